/// One value of a Kubernetes manifest: a tree of strings, integers, booleans, lists and mappings
/// whose keys keep the order they were written in, so that the YAML written from it is the same
/// on every run.
///
/// Written as literals: `["kind": "Service", "spec": ["clusterIP": "None"]]`.
public indirect enum ManifestValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case list([ManifestValue])
    case mapping([ManifestEntry])

    /// The value of `key` in a mapping; nil for a missing key or another kind of value.
    public subscript(key: String) -> ManifestValue? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number of an integer value.
    public var integerValue: Int? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The elements of a list value.
    public var listValue: [ManifestValue]? {
        if case .list(let elements) = self { return elements }
        return nil
    }

    /// The entries of a mapping value.
    public var mappingEntries: [ManifestEntry]? {
        if case .mapping(let entries) = self { return entries }
        return nil
    }

    /// The value at a path of keys, e.g. `["spec", "template", "spec"]`.
    public func value(at path: [String]) -> ManifestValue? {
        var current: ManifestValue? = self
        for key in path { current = current?[key] }
        return current
    }
}

/// One key and its value in a manifest mapping.
public struct ManifestEntry: Sendable, Equatable {
    public var key: String
    public var value: ManifestValue

    /// Creates an entry.
    public init(key: String, value: ManifestValue) {
        self.key = key
        self.value = value
    }
}

extension ManifestValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: ManifestValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, ManifestValue)...) {
        self = .mapping(elements.map { ManifestEntry(key: $0.0, value: $0.1) })
    }
}
