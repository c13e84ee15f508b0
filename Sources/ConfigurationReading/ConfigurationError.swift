/// One problem found in a benchmark file, located by key path and YAML position.
public struct ConfigurationError: Sendable, Hashable, CustomStringConvertible {
    /// The path used for problems that concern the whole document (syntax errors, an empty file).
    public static let documentPath = "<document>"

    /// The key path of the offending value, e.g. `rounds[2].rateControl.opts.startingTps`.
    public var path: String
    /// What is wrong, e.g. `unknown key`.
    public var message: String
    /// The key or value the author probably meant, when one is close.
    public var suggestion: String?
    /// The 1-based YAML line, when known.
    public var line: Int?
    /// The 1-based YAML column, when known.
    public var column: Int?

    /// Creates an error.
    public init(path: String, message: String, suggestion: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.suggestion = suggestion
        self.line = line
        self.column = column
    }

    /// The error without a file name: `12:7: path: message (did you mean x?)`.
    public var description: String {
        description(fileName: nil)
    }

    /// The error as a compiler-style line: `file:12:7: path: message (did you mean x?)`.
    public func description(fileName: String?) -> String {
        var location: [String] = []
        if let fileName { location.append(fileName) }
        if let line {
            location.append(String(line))
            if let column { location.append(String(column)) }
        }
        var text = location.isEmpty ? "" : location.joined(separator: ":") + ": "
        text += "\(path): \(message)"
        if let suggestion { text += " (did you mean \(suggestion)?)" }
        return text
    }
}
