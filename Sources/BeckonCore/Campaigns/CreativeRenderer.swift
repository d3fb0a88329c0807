import Foundation

/// Fills a creative's `{{placeholders}}` (SPEC §3). Values are HTML-escaped, so a visitor's or
/// brand's data can never inject markup; an unknown placeholder renders empty. `beckon.js`
/// applies the same rules in the browser.
package enum CreativeRenderer {
    package static func fill(_ html: String, values: [String: String]) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var rest = Substring(html)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                output += rest[open.lowerBound...]
                return output
            }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if isPlaceholderName(name) {
                output += escape(values[name] ?? "")
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        return output
    }

    /// Names are letters, digits, `_`, `-` and `.` (`visitor.name`), at most 64 characters.
    static func isPlaceholderName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }

    package static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
