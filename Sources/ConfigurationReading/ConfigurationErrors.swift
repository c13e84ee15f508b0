/// Every problem found in one benchmark file, sorted by position.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    /// The file the errors were found in, as the user named it.
    public var fileName: String
    /// The errors, sorted by line and column (errors without a position first).
    public var errors: [ConfigurationError]

    /// Creates the error list, sorting the errors by position.
    public init(fileName: String, errors: [ConfigurationError]) {
        self.fileName = fileName
        self.errors = errors.enumerated().sorted { left, right in
            let leftKey = (left.element.line ?? 0, left.element.column ?? 0, left.offset)
            let rightKey = (right.element.line ?? 0, right.element.column ?? 0, right.offset)
            return leftKey < rightKey
        }.map(\.element)
    }

    /// One line per error: `file:line:col: path: message (did you mean x?)`.
    public var lines: [String] {
        errors.map { $0.description(fileName: fileName) }
    }

    /// All errors, one per line.
    public var description: String {
        lines.joined(separator: "\n")
    }
}
