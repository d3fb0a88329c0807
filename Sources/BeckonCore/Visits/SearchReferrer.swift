import Foundation

/// The search engine and keywords of a referrer URL (Visit Information's `searchEngine`, SPEC §5):
/// `https://www.bing.com/search?q=sofa+beds` is Bing with "sofa beds". Engines that no longer pass
/// the query (Google mostly does not) give the engine with no keywords.
package struct SearchReferrer: Sendable, Equatable {
    package var engine: String
    package var keywords: String?

    package init(engine: String, keywords: String?) {
        self.engine = engine
        self.keywords = keywords
    }

    /// The host's registrable name (`google` in `www.google.com` and `google.co.uk`) → the engine's
    /// name and the query parameters that carry the search, in order of preference.
    private static let engines: [(label: String, name: String, parameters: [String])] = [
        ("google", "Google", ["q"]),
        ("bing", "Bing", ["q"]),
        ("yahoo", "Yahoo", ["p", "q"]),
        ("duckduckgo", "DuckDuckGo", ["q"]),
        ("yandex", "Yandex", ["text"]),
        ("baidu", "Baidu", ["wd", "word"]),
        ("ecosia", "Ecosia", ["q"]),
        ("startpage", "Startpage", ["query", "q"]),
        ("qwant", "Qwant", ["q"]),
        ("ask", "Ask", ["q"]),
        ("aol", "AOL", ["q"]),
    ]

    /// nil when the referrer is not a URL of a known search engine.
    package init?(referrer: String) {
        guard let components = URLComponents(string: referrer), let host = components.host?.lowercased() else { return nil }
        guard let name = Self.registrableName(host), let match = Self.engines.first(where: { $0.label == name }) else {
            return nil
        }
        engine = match.name
        // Form encoding: `+` is a space, `%2B` a plus.
        let items = components.percentEncodedQueryItems ?? []
        keywords = match.parameters.lazy.compactMap { name in
            items.first { $0.name == name }?.value?.replacingOccurrences(of: "+", with: " ").removingPercentEncoding?
                .trimmingCharacters(in: .whitespaces)
        }.first { !$0.isEmpty }
    }

    /// The label before the public suffix, the suffix taken as the last label or, for country
    /// domains like `co.uk` and `com.au`, the last two.
    static func registrableName(_ host: String) -> String? {
        var labels = host.split(separator: ".").map(String.init)
        guard labels.count >= 2 else { return nil }
        labels.removeLast()
        if labels.count >= 2, ["co", "com", "net", "org", "ac", "gov", "edu", "ne", "or"].contains(labels.last!) {
            labels.removeLast()
        }
        return labels.last
    }
}
