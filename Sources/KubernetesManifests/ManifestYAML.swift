/// Writes manifest values as YAML in block style, deterministically: two-space indentation, keys in
/// their given order, strings plain only where no YAML 1.1 reader (Kubernetes' included) can take
/// them for anything else, double-quoted otherwise, and multi-line text as a literal block.
///
/// vernier keeps its YAML parser (Yams) to the configuration readers; this writer needs none.
public enum ManifestYAML {
    /// `value` as one YAML document (without the `---` separator), ending in a newline.
    public static func document(_ value: ManifestValue) -> String {
        var lines: [String] = []
        switch value {
        case .mapping(let entries) where !entries.isEmpty:
            appendMapping(entries, indent: 0, to: &lines)
        case .list(let elements) where !elements.isEmpty:
            appendList(elements, indent: 0, to: &lines)
        default:
            lines.append(inlineText(value) ?? "")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Several documents in one stream, each introduced by `---`.
    public static func stream(_ values: [ManifestValue]) -> String {
        values.map { "---\n" + document($0) }.joined()
    }

    /// The text of a scalar or empty collection on one line; nil for what needs lines of its own.
    private static func inlineText(_ value: ManifestValue) -> String? {
        switch value {
        case .string(let text): literalBlock(text) == nil ? scalar(text) : nil
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .list(let elements): elements.isEmpty ? "[]" : nil
        case .mapping(let entries): entries.isEmpty ? "{}" : nil
        }
    }

    private static func appendMapping(_ entries: [ManifestEntry], indent: Int, to lines: inout [String]) {
        let margin = String(repeating: " ", count: indent)
        for entry in entries {
            let key = margin + scalar(entry.key) + ":"
            appendValue(entry.value, after: key, indent: indent, to: &lines)
        }
    }

    private static func appendList(_ elements: [ManifestValue], indent: Int, to lines: inout [String]) {
        let margin = String(repeating: " ", count: indent)
        for element in elements {
            switch element {
            case .mapping(let entries) where !entries.isEmpty:
                appendNested(indent: indent, to: &lines) { appendMapping(entries, indent: indent + 2, to: &$0) }
            case .list(let inner) where !inner.isEmpty:
                appendNested(indent: indent, to: &lines) { appendList(inner, indent: indent + 2, to: &$0) }
            default:
                appendValue(element, after: margin + "-", indent: indent, to: &lines)
            }
        }
    }

    /// Appends a collection as a list element: its first line starts with `- ` in place of the
    /// indentation it was written with.
    private static func appendNested(indent: Int, to lines: inout [String], _ write: (inout [String]) -> Void) {
        var nested: [String] = []
        write(&nested)
        guard let first = nested.first else { return }
        nested[0] = String(repeating: " ", count: indent) + "- " + first.dropFirst(indent + 2)
        lines.append(contentsOf: nested)
    }

    /// Appends `value` after `lead` (a key and its colon, or a list dash).
    private static func appendValue(_ value: ManifestValue, after lead: String, indent: Int, to lines: inout [String]) {
        if let text = inlineText(value) {
            lines.append(lead + " " + text)
            return
        }
        switch value {
        case .string(let text):
            guard let block = literalBlock(text) else { return }
            lines.append(lead + " " + block.header)
            let margin = String(repeating: " ", count: indent + 2)
            lines.append(contentsOf: block.lines.map { $0.isEmpty ? "" : margin + $0 })
        case .mapping(let entries):
            lines.append(lead)
            appendMapping(entries, indent: indent + 2, to: &lines)
        case .list(let elements):
            lines.append(lead)
            appendList(elements, indent: indent + 2, to: &lines)
        case .integer, .boolean:
            return
        }
    }

    // MARK: Scalars

    /// Words a YAML 1.1 reader takes for a boolean or null when they are written plain.
    private static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    /// `text` plain when it can only be read back as that string, else double-quoted.
    static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    /// Plain only for a letter or `/` followed by letters, digits, `.`, `_`, `/` and `-`, and no
    /// reserved word: no number, boolean, null, indicator or `key: value` can be written so.
    private static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLetter(first) || first == "/" else { return false }
        guard !reservedWords.contains(text.lowercased()) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || ".-_/".unicodeScalars.contains($0) }
    }

    private static func isLetter(_ character: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(character) || ("A"..."Z").contains(character)
    }

    /// `text` double-quoted, with `"`, `\` and every character YAML does not print escaped.
    static func doubleQuoted(_ text: String) -> String {
        var quoted = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if isPrintable(character) {
                    quoted.unicodeScalars.append(character)
                } else {
                    let hex = String(character.value, radix: 16, uppercase: true)
                    quoted += character.value <= 0xFFFF
                        ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                        : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                }
            }
        }
        return quoted + "\""
    }

    /// Whether YAML allows `character` as it is in a scalar (outside line breaks and tabs).
    private static func isPrintable(_ character: Unicode.Scalar) -> Bool {
        switch character.value {
        case 0x20...0x7E: true
        case 0xA0...0xD7FF: !(0x2028...0x2029).contains(character.value)
        case 0xE000...0xFFFD: character.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Multi-line text as a literal block: its header (`|`, `|-` or `|+` for one, no or several
    /// final line breaks) and its lines. Nil for text of one line, or that a block cannot carry
    /// exactly (carriage returns, characters YAML does not print, a first line that starts with a space).
    static func literalBlock(_ text: String) -> (header: String, lines: [String])? {
        guard text.contains("\n"), !text.hasPrefix(" "),
              text.unicodeScalars.allSatisfy({ $0 == "\n" || $0 == "\t" || isPrintable($0) }) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header: String
        if lines.last?.isEmpty == false {
            header = "|-"
        } else {
            lines.removeLast()
            header = lines.last?.isEmpty == true ? "|+" : "|"
        }
        // A line of spaces only would change the detected indentation or be taken for trailing space.
        guard !lines.contains(where: { !$0.isEmpty && $0.allSatisfy { $0 == " " } }) else { return nil }
        return (header, lines)
    }
}
