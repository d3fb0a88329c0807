import Foundation

/// The live campaigns of one account, compiled for the decision on every page view, with an
/// index by entry point (SPEC §16: 10,000 campaigns may cost at most 3× what 10 cost). A page
/// view looks up only the engagements whose entry point could match its URL or sections:
///
/// - `urlExact` rules by the whole URL;
/// - `section` rules by section name;
/// - `urlContains` rules by a *whole word* of the text (a run of letters and digits with a
///   separator on both sides inside the text, so it must appear as a whole word of any URL that
///   contains the text);
/// - everything else (empty include lists, regular expressions, texts without such a word) is
///   evaluated on every page view.
///
/// Candidates are then checked with the full rules; the index only narrows, it never decides.
/// Built once per change of campaigns or settings (`CampaignCatalog`), immutable afterwards.
package struct CampaignIndex: Sendable {
    package struct CompiledCampaign: Sendable {
        package let campaign: Campaign
        let audience: Audience?
        let calendar: ShiftCalendar?
    }

    package struct CompiledEngagement: Sendable {
        package let engagement: Engagement
        let campaignPosition: Int
        let entryPoint: CompiledEntryPoint
    }

    package let accountId: AccountID
    package let settings: AccountSettings
    package let campaigns: [CompiledCampaign]
    package let engagements: [CompiledEngagement]
    private let everyPage: [Int]
    private let byExactURL: [String: [Int]]
    private let bySection: [String: [Int]]
    private let byWord: [String: [Int]]
    /// How far back a visitor's history matters (per-visitor caps, `calledWithinDays`), for
    /// rebuilding a visitor from the journal.
    package let historyDays: Int

    /// Compiles `campaigns` (only `live` ones are used) with their engagements (only active ones).
    /// A rule that no longer compiles (it was valid when saved) drops its engagement, it never
    /// fails the page view.
    package init(accountId: AccountID, settings: AccountSettings, campaigns: [(Campaign, [Engagement])]) {
        self.accountId = accountId
        self.settings = settings
        var compiledCampaigns: [CompiledCampaign] = []
        var compiledEngagements: [CompiledEngagement] = []
        var everyPage: [Int] = []
        var byExactURL: [String: [Int]] = [:]
        var bySection: [String: [Int]] = [:]
        var byWord: [String: [Int]] = [:]
        var historyDays = settings.caps.perVisitor?.days ?? 0
        // Click velocity counts a day of clicks across visits.
        if settings.abuse.clicks.perDay != nil { historyDays = max(historyDays, 1) }
        // How many rules each word appears in: a `urlContains` rule is indexed under its rarest
        // word (`/product/12/` under `12`, not `product`).
        var wordFrequency: [String: Int] = [:]
        for (campaign, engagements) in campaigns where campaign.settings.status == .live {
            for engagement in engagements {
                for case .urlContains(let text) in engagement.settings.entryPoint.include {
                    for word in Set(Self.enclosedWords(of: text)) { wordFrequency[word, default: 0] += 1 }
                }
            }
        }
        for (campaign, engagements) in campaigns where campaign.settings.status == .live {
            let calendar = campaign.settings.timeFrame.flatMap { try? ShiftCalendar($0) }
            if campaign.settings.timeFrame != nil && calendar == nil { continue }
            let position = compiledCampaigns.count
            compiledCampaigns.append(CompiledCampaign(campaign: campaign, audience: campaign.settings.audience, calendar: calendar))
            for engagement in engagements where engagement.status == .active {
                guard let entryPoint = try? CompiledEntryPoint(engagement.settings.entryPoint) else { continue }
                let index = compiledEngagements.count
                compiledEngagements.append(
                    CompiledEngagement(engagement: engagement, campaignPosition: position, entryPoint: entryPoint))
                for rule in engagement.settings.behaviour.all {
                    if case .calledWithinDays(let days) = rule { historyDays = max(historyDays, days) }
                    if case .notCalledWithinDays(let days) = rule { historyDays = max(historyDays, days) }
                }
                let include = engagement.settings.entryPoint.include
                let keys = include.map { Self.key($0, wordFrequency: wordFrequency) }
                if include.isEmpty || keys.contains(where: { $0 == nil }) {
                    everyPage.append(index)
                    continue
                }
                for key in keys {
                    switch key {
                    case .exact(let url)?: byExactURL[url, default: []].append(index)
                    case .section(let name)?: bySection[name, default: []].append(index)
                    case .word(let word)?: byWord[word, default: []].append(index)
                    case nil: break
                    }
                }
            }
        }
        self.campaigns = compiledCampaigns
        self.engagements = compiledEngagements
        self.everyPage = everyPage
        self.byExactURL = byExactURL
        self.bySection = bySection
        self.byWord = byWord
        self.historyDays = historyDays
    }

    private enum Key {
        case exact(String)
        case section(String)
        case word(String)
    }

    private static func key(_ rule: EntryPoint.Rule, wordFrequency: [String: Int]) -> Key? {
        switch rule {
        case .urlExact(let url): return .exact(url)
        case .section(let name): return .section(name.lowercased())
        case .urlRegex: return nil
        case .urlContains(let text):
            // The rarest enclosed word is the most selective key; the longer on a tie.
            return enclosedWords(of: text).min { a, b in
                let (fa, fb) = (wordFrequency[a, default: 0], wordFrequency[b, default: 0])
                return fa != fb ? fa < fb : a.count > b.count
            }.map { .word($0) }
        }
    }

    /// Words of `text` with a separator on both sides (lower-cased).
    static func enclosedWords(of text: String) -> [String] {
        let scalars = Array(text.lowercased().unicodeScalars)
        var words: [String] = []
        var start: Int?
        for (offset, scalar) in scalars.enumerated() {
            let isWord = isWordScalar(scalar)
            if isWord, start == nil { start = offset }
            if !isWord, let begin = start {
                if begin > 0 { words.append(String(String.UnicodeScalarView(scalars[begin..<offset]))) }
                start = nil
            }
        }
        return words
    }

    /// Every word of `url` (lower-cased), for the lookup.
    static func words(of url: String) -> Set<String> {
        var words = Set<String>()
        var current = String.UnicodeScalarView()
        for scalar in url.lowercased().unicodeScalars {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.insert(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.insert(String(current)) }
        return words
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    /// Positions in `engagements` whose entry point may match, without duplicates, in order.
    func candidates(url: String, sections: [String]) -> [Int] {
        var found = everyPage
        if let exact = byExactURL[url] { found += exact }
        for section in sections { if let list = bySection[section.lowercased()] { found += list } }
        if !byWord.isEmpty {
            for word in Self.words(of: url) { if let list = byWord[word] { found += list } }
        }
        guard found.count > 1 else { return found }
        return Array(Set(found)).sorted()
    }
}

extension CampaignIndex {
    /// For tests: the words a `urlContains` text is indexed under.
    package static func enclosedWordsForTesting(_ text: String) -> [String] { enclosedWords(of: text) }

    /// For tests and benchmarks: how many engagements a page view evaluates.
    package func candidateCountForTesting(url: String, sections: [String]) -> Int {
        candidates(url: url, sections: sections).count
    }
}
