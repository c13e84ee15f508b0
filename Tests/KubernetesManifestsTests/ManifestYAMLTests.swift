import Foundation
import KubernetesManifests
import Testing
import Yams

/// The YAML writer: what it writes reads back (with a YAML parser) as the very tree it was given,
/// strings stay strings, and the same tree is always the same text.
@Suite("Manifest YAML")
struct ManifestYAMLTests {
    /// Strings a careless writer would let a YAML 1.1 reader take for something else, or mangle.
    static let trickyStrings = [
        "", " ", "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "7050", "0440", "1e3", "0x1F", ".5", "-1", "+1",
        "2Gi", "1500m", "1:20", "a: b", "- item", "#comment", "key #x", "&anchor", "*alias", "!tag", "%x", "@x", "`x",
        "{a}", "[a]", "'quoted'", "\"quoted\"", "back\\slash", "tab\there", "trailing ", " leading", "ünïcödé", "bell\u{07}",
        "line\nbreak", "two\nlines\n", "kept\n\n", "\nleading break", "spaces\n  indented\n", "only\n   \nspaces",
        "cr\r\nlf", "bom\u{FEFF}", "next\u{85}line", "/etc/vernier/node.json", "vernier.io/host", "apps/v1",
    ]

    @Test("every tricky string reads back as the same string, as a value and as a key", arguments: trickyStrings)
    func stringsRoundTrip(text: String) throws {
        let value: ManifestValue = ["value": .string(text), "list": [.string(text)], text: "key"]
        #expect(try readBack(ManifestYAML.document(value)) == value, "\(ManifestYAML.document(value))")
    }

    @Test("nested lists and mappings, empty ones, integers and booleans read back as written")
    func nestingRoundTrips() throws {
        let value: ManifestValue = [
            "apiVersion": "apps/v1",
            "replicas": 1,
            "negative": -7,
            "flag": true,
            "off": false,
            "empty": [:],
            "none": [],
            "containers": [
                ["name": "node", "command": ["vernier", "node"], "ports": [["containerPort": 7050]]],
                ["name": "other", "nested": [["a", "b"], [], [:], ["deep": ["deeper": "x\ny\n"]]]],
            ],
            "multiline": ["text": "first\n  second\n\nlast\n"],
        ]
        let text = ManifestYAML.document(value)
        #expect(try readBack(text) == value, "\(text)")
        #expect(ManifestYAML.document(value) == text)
    }

    @Test("a stream holds one document per value")
    func stream() throws {
        let values: [ManifestValue] = [["kind": "Namespace"], ["kind": "Service", "spec": ["ports": [["port": 1]]]]]
        let nodes = try Yams.compose_all(yaml: ManifestYAML.stream(values)).map { try manifestValue($0) }
        #expect(nodes == values)
    }

    @Test("the writer's layout: two spaces, list dashes under their key, literal blocks for text")
    func layout() {
        let value: ManifestValue = ["spec": ["ports": [["name": "node", "port": 7050]], "selector": ["vernier.io/host": "h1"]],
                                    "data": ["benchmark.yaml": "name: x\nseed: 1\n"]]
        #expect(ManifestYAML.document(value) == """
            spec:
              ports:
                - name: node
                  port: 7050
              selector:
                vernier.io/host: h1
            data:
              benchmark.yaml: |
                name: x
                seed: 1

            """)
    }

    // MARK: Reading back

    private func readBack(_ text: String) throws -> ManifestValue {
        let node = try #require(try Yams.compose(yaml: text))
        return try manifestValue(node)
    }

    /// The tree a parser reads, as manifest values: ints as integers, bools as booleans, strings as strings.
    private func manifestValue(_ node: Yams.Node) throws -> ManifestValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .int: return .integer(try #require(node.int))
            case .bool:
                guard let flag = node.bool else { throw ReadBackError(text: scalar.string) }
                return .boolean(flag)
            case .str: return .string(scalar.string)
            default:
                Issue.record("\(scalar.string) read back as \(node.tag.rawValue)")
                return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .list(try sequence.map { try manifestValue($0) })
        case .mapping(let mapping):
            return .mapping(try mapping.map { key, value in
                ManifestEntry(key: try #require(key.string), value: try manifestValue(value))
            })
        case .alias:
            Issue.record("the writer wrote an alias")
            return .string("")
        }
    }
}

/// A scalar tagged as a boolean that does not read as one.
private struct ReadBackError: Error {
    var text: String
}
