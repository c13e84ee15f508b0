package import Yams

/// A benchmark file's YAML as YAML: aliases resolved, merge keys (`<<`) applied at any depth, and
/// the top-level anchor blocks (keys that only hold an anchor used elsewhere) set apart.
package struct YAMLDocument {
    /// The document with merge keys applied and anchor blocks removed from the top level.
    package let root: Node
    /// The top-level keys accepted because they hold an anchor used elsewhere, in file order.
    package let anchorBlocks: [String]

    /// The most nodes a document may expand to once aliases are resolved (against alias bombs).
    package static let maximumNodes = 200_000
    /// The deepest nesting read.
    package static let maximumDepth = 64

    /// Composes `yaml`; merge-key errors go to `diagnostics`, YAML syntax errors are thrown.
    /// Returns nil for an empty document. A top-level key outside `knownKeys` whose value carries
    /// an anchor used elsewhere is an anchor block.
    package static func compose(_ yaml: String, knownKeys: Set<String>, diagnostics: ConfigurationDiagnostics) throws -> YAMLDocument? {
        // The parser owns the anchors (nodes refer to them weakly): it lives while they are counted.
        let parser = try Parser(yaml: yaml)
        guard let composed = try parser.singleRoot() else { return nil }
        return withExtendedLifetime(parser) {
            var expander = MergeExpander(diagnostics: diagnostics)
            let merged = expander.expand(composed, path: "", depth: 0)
            guard case .mapping(let mapping) = merged else {
                return YAMLDocument(root: merged, anchorBlocks: [])
            }
            var kept: [(Node, Node)] = []
            var blocks: [String] = []
            for (key, value) in mapping {
                if let name = key.string, !knownKeys.contains(name),
                   let anchor = value.anchor, expander.anchorUses[ObjectIdentifier(anchor), default: 0] >= 2 {
                    blocks.append(name)
                } else {
                    kept.append((key, value))
                }
            }
            let root = Node.mapping(Node.Mapping(kept, mapping.tag, mapping.style, mapping.mark))
            return YAMLDocument(root: root, anchorBlocks: blocks)
        }
    }
}

/// Applies merge keys bottom-up and counts where each anchor's node appears (its definition and
/// every alias to it), within a node budget.
private struct MergeExpander {
    package let diagnostics: ConfigurationDiagnostics
    /// How many times each anchored node appears in the expanded document.
    package var anchorUses: [ObjectIdentifier: Int] = [:]
    private var visited = 0
    private var exhausted = false

    package init(diagnostics: ConfigurationDiagnostics) { self.diagnostics = diagnostics }

    package mutating func expand(_ node: Node, path: String, depth: Int) -> Node {
        visited += 1
        guard visited <= YAMLDocument.maximumNodes, depth <= YAMLDocument.maximumDepth else {
            if !exhausted {
                exhausted = true
                report(node, path, "the document nests deeper than \(YAMLDocument.maximumDepth) levels or expands, "
                       + "with its aliases, to more than \(YAMLDocument.maximumNodes) values")
            }
            return node
        }
        if let anchor = node.anchor { anchorUses[ObjectIdentifier(anchor), default: 0] += 1 }
        switch node {
        case .scalar, .alias:
            return node
        case .sequence(let sequence):
            let nodes = sequence.enumerated().map { expand($1, path: "\(path)[\($0)]", depth: depth + 1) }
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark, sequence.anchor))
        case .mapping(let mapping):
            var own: [(Node, Node)] = []
            var merged: [(Node, Node)] = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                let isMerge = Tag.Name(rawValue: key.tag.rawValue) == .merge
                let expanded = expand(value, path: childPath, depth: depth + 1)
                guard isMerge else {
                    own.append((key, expanded))
                    continue
                }
                // `<<: *a` merges a mapping; `<<: [*a, *b]` merges each, earlier ones winning.
                switch expanded {
                case .mapping(let source):
                    merged += Array(source).map { ($0.key, $0.value) }
                case .sequence(let sources):
                    for (index, source) in sources.enumerated() {
                        guard case .mapping(let entries) = source else {
                            report(source, "\(childPath)[\(index)]",
                                   "a merge key (<<) takes a mapping or a list of mappings, found \(Self.kind(source))")
                            continue
                        }
                        merged += Array(entries).map { ($0.key, $0.value) }
                    }
                default:
                    report(expanded, childPath, "a merge key (<<) takes a mapping or a list of mappings, found \(Self.kind(expanded))")
                }
            }
            // The mapping's own keys override merged ones; among merged ones the first wins.
            var seen = Set(own.compactMap { $0.0.string })
            var pairs = own
            for (key, value) in merged {
                guard let name = key.string else { continue }
                if seen.insert(name).inserted { pairs.append((key, value)) }
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark, mapping.anchor))
        }
    }

    private func report(_ node: Node, _ path: String, _ message: String) {
        diagnostics.report(ConfigurationError(
            path: path.isEmpty ? ConfigurationError.documentPath : path, message: message,
            line: node.mark?.line, column: node.mark?.column))
    }

    private static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .alias: "an alias"
        }
    }
}
