package import Yams

/// Collects every error found while reading one benchmark file.
package final class ConfigurationDiagnostics {
    /// The errors reported so far, in the order they were found.
    package private(set) var errors: [ConfigurationError] = []
    /// What was read differently from how it is written and is not an error: a Caliper construct
    /// mapped onto vernier's, an argument vernier does not use. Printed, never fatal.
    package private(set) var notes: [ConfigurationError] = []

    package init() {}

    /// Records an error.
    package func report(_ error: ConfigurationError) {
        errors.append(error)
    }

    /// Records a note (at most 1,000; a file does not need more).
    package func note(_ note: ConfigurationError) {
        if notes.count < 1_000 { notes.append(note) }
    }
}

/// One value of the YAML tree with its key path, read strictly: each accessor reports what is wrong.
///
/// Accessors return nil after reporting an error, so that a caller can go on reading its siblings
/// and every error of the file is collected in one pass.
package struct ConfigurationValue {
    package init(node: Node, path: String, diagnostics: ConfigurationDiagnostics) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
    }

    /// The YAML node.
    package let node: Node
    /// The key path, e.g. `rounds[2].rateControl.opts`.
    package let path: String
    /// Where errors go.
    package let diagnostics: ConfigurationDiagnostics

    /// The path of a key below this value.
    package func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The path shown in errors (the document itself has an empty path).
    package var displayPath: String {
        path.isEmpty ? ConfigurationError.documentPath : path
    }

    /// Reports an error at this value.
    package func report(_ message: String, suggestion: String? = nil) {
        diagnostics.report(ConfigurationError(
            path: displayPath, message: message, suggestion: suggestion,
            line: node.mark?.line, column: node.mark?.column
        ))
    }

    /// Records a note at this value: how it was read, or that it is not used.
    package func note(_ message: String) {
        diagnostics.note(ConfigurationError(path: displayPath, message: message, line: node.mark?.line, column: node.mark?.column))
    }

    /// Reports an error about a key of this value (e.g. a missing one), at this value's position.
    package func report(key: String, _ message: String) {
        diagnostics.report(ConfigurationError(
            path: childPath(key), message: message, line: node.mark?.line, column: node.mark?.column
        ))
    }

    /// Reports that another kind of value was expected here.
    package func reportExpected(_ expected: String) {
        report("expected \(expected), found \(found)")
    }

    /// What this value is, for error messages: `a list`, `an integer (5)`, `a string ("5 seconds")`.
    package var found: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName {
            case .int: return "an integer (\(scalar.string))"
            case .float: return "a number (\(scalar.string))"
            case .bool: return "a boolean (\(scalar.string))"
            case .null: return "nothing"
            case .str: return "a string (\"\(scalar.string)\")"
            default: return "a scalar (\(scalar.string))"
            }
        }
    }

    /// The scalar text as written, for range errors.
    package var text: String {
        node.scalar?.string ?? found
    }

    /// The resolved YAML tag of this value (`int`, `str`, `map` ...).
    package var tagName: Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// Whether this value is a YAML null (an empty value).
    package var isNull: Bool {
        node.scalar != nil && tagName == .null
    }

    // MARK: Structure

    /// This value as a mapping whose keys must be among `allowedKeys`; unknown keys are reported
    /// with the closest allowed key, or, with `unknownKeysNote`, noted as unused with that text.
    /// An empty value counts as an empty mapping.
    package func mapping(allowedKeys: [String], unknownKeysNote: String? = nil) -> ConfigurationMapping? {
        if isNull { return ConfigurationMapping(value: self, entries: []) }
        guard case .mapping(let mapping) = node else {
            reportExpected("a mapping")
            return nil
        }
        var entries: [(key: String, value: ConfigurationValue)] = []
        for (keyNode, valueNode) in mapping {
            let keyValue = ConfigurationValue(node: keyNode, path: path, diagnostics: diagnostics)
            guard keyNode.scalar != nil, let key = keyNode.string else {
                keyValue.reportExpected("a key (a string)")
                continue
            }
            let value = ConfigurationValue(node: valueNode, path: childPath(key), diagnostics: diagnostics)
            guard allowedKeys.contains(key) else {
                let unknown = ConfigurationValue(node: keyNode, path: childPath(key), diagnostics: diagnostics)
                if let unknownKeysNote {
                    unknown.note(unknownKeysNote)
                } else {
                    unknown.report("unknown key", suggestion: Suggestion.closest(to: key, among: allowedKeys))
                }
                continue
            }
            entries.append((key, value))
        }
        return ConfigurationMapping(value: self, entries: entries)
    }

    /// This value as a mapping whose keys are names the file chooses (any non-empty string), in
    /// file order; an empty value counts as an empty mapping.
    package func namedEntries() -> [(key: String, value: ConfigurationValue)]? {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            reportExpected("a mapping")
            return nil
        }
        var entries: [(key: String, value: ConfigurationValue)] = []
        var failed = false
        for (keyNode, valueNode) in mapping {
            guard keyNode.scalar != nil, let key = keyNode.string, !key.isEmpty else {
                ConfigurationValue(node: keyNode, path: path, diagnostics: diagnostics).reportExpected("a name (a string)")
                failed = true
                continue
            }
            entries.append((key, ConfigurationValue(node: valueNode, path: childPath(key), diagnostics: diagnostics)))
        }
        return failed ? nil : entries
    }

    /// This value as a list of values with indexed paths.
    package func sequence() -> [ConfigurationValue]? {
        guard case .sequence(let sequence) = node else {
            reportExpected("a list")
            return nil
        }
        return sequence.enumerated().map { index, element in
            ConfigurationValue(node: element, path: "\(path)[\(index)]", diagnostics: diagnostics)
        }
    }

    // MARK: Scalars

    /// This value as a string (a YAML string, not a number or boolean).
    package func string() -> String? {
        guard node.scalar != nil, tagName == .str, let string = node.string else {
            reportExpected("a string")
            return nil
        }
        return string
    }

    /// This value as one of `names`; an unknown name is reported with the closest one.
    package func choice(among names: [String]) -> String? {
        guard let string = string() else { return nil }
        guard names.contains(string) else {
            report(
                "unknown value \"\(string)\", expected one of \(names.joined(separator: ", "))",
                suggestion: Suggestion.closest(to: string, among: names)
            )
            return nil
        }
        return string
    }

    /// This value as an integer (a YAML int: `1.5` or `"5"` are errors).
    package func integer() -> Int? {
        guard node.scalar != nil, tagName == .int else {
            reportExpected("an integer")
            return nil
        }
        guard let value = node.int else {
            report("integer out of range, found \(text)")
            return nil
        }
        return value
    }

    /// This value as an integer within bounds.
    package func integer(atLeast minimum: Int, atMost maximum: Int = .max) -> Int? {
        let requirement = maximum == .max ? "at least \(minimum)" : "between \(minimum) and \(maximum)"
        return require(integer(), requirement) { (minimum...maximum).contains($0) }
    }

    /// This value as an unsigned 64-bit integer.
    package func unsignedInteger64() -> UInt64? {
        guard node.scalar != nil, tagName == .int else {
            reportExpected("an integer")
            return nil
        }
        guard let scalar = node.scalar, let value = UInt64.construct(from: scalar) else {
            report("out of range: must be an integer between 0 and \(UInt64.max), found \(text)")
            return nil
        }
        return value
    }

    /// This value as a finite number (a YAML int or float).
    package func number() -> Double? {
        guard node.scalar != nil, tagName == .int || tagName == .float, let value = node.float else {
            reportExpected("a number")
            return nil
        }
        guard value.isFinite else {
            report("out of range: must be finite, found \(text)")
            return nil
        }
        return value
    }

    /// This value as a boolean.
    package func bool() -> Bool? {
        guard node.scalar != nil, tagName == .bool, let value = node.bool else {
            reportExpected("a boolean (true or false)")
            return nil
        }
        return value
    }

    /// This value as a non-negative duration such as `250ms` or `1.5s`.
    package func duration() -> Duration? {
        guard node.scalar != nil, tagName == .str || tagName == .int || tagName == .float,
              let text = node.string else {
            reportExpected("a duration, " + Duration.acceptedBenchmarkForm)
            return nil
        }
        guard let duration = Duration(benchmarkText: text) else {
            report("invalid duration \"\(text)\": expected \(Duration.acceptedBenchmarkForm)")
            return nil
        }
        return duration
    }

    /// This value as a strictly positive duration.
    package func positiveDuration() -> Duration? {
        require(duration(), "greater than 0") { $0 > .zero }
    }

    /// This value as a size in bytes: a bare non-negative integer or a number with a unit (`2MiB`).
    package func byteCount() -> Int? {
        guard let scalar = node.scalar else {
            reportExpected("a size, " + ByteCount.acceptedForm)
            return nil
        }
        switch tagName {
        case .int:
            guard let value = node.int, value >= 0 else {
                report("invalid size \(scalar.string): expected \(ByteCount.acceptedForm)")
                return nil
            }
            return value
        case .str:
            guard let value = ByteCount.parse(scalar.string) else {
                report("invalid size \"\(scalar.string)\": expected \(ByteCount.acceptedForm)")
                return nil
            }
            return value
        default:
            reportExpected("a size, " + ByteCount.acceptedForm)
            return nil
        }
    }

    /// Passes `value` through if it meets `isValid`; otherwise reports `out of range: must be ...`.
    package func require<T>(_ value: T?, _ requirement: String, _ isValid: (T) -> Bool) -> T? {
        guard let value else { return nil }
        guard isValid(value) else {
            report("out of range: must be \(requirement), found \(text)")
            return nil
        }
        return value
    }
}

/// A mapping whose keys were checked against the allowed ones.
package struct ConfigurationMapping {
    package init(value: ConfigurationValue, entries: [(key: String, value: ConfigurationValue)]) {
        self.value = value
        self.entries = entries
    }

    /// The mapping itself.
    package let value: ConfigurationValue
    /// The allowed entries, in file order.
    package let entries: [(key: String, value: ConfigurationValue)]

    /// The value of `key`, if present.
    package func optional(_ key: String) -> ConfigurationValue? {
        entries.first { $0.key == key }?.value
    }

    /// The value of `key`; a missing key is reported.
    package func required(_ key: String) -> ConfigurationValue? {
        guard let value = optional(key) else {
            value.report(key: key, "missing required key")
            return nil
        }
        return value
    }

    /// Reads a required key.
    package func read<T>(_ key: String, _ reader: (ConfigurationValue) -> T?) -> T? {
        required(key).flatMap(reader)
    }

    /// Reads an optional key, or returns `defaultValue` when it is absent.
    package func read<T>(_ key: String, default defaultValue: T, _ reader: (ConfigurationValue) -> T?) -> T? {
        guard let value = optional(key) else { return defaultValue }
        return reader(value)
    }
}
