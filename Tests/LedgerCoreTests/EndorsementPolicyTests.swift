import Testing
@testable import LedgerCore
import LedgerPrimitives

/// Fabric's endorsement-policy language: reading it, writing it back, its bytes, and who satisfies it.
@Suite struct EndorsementPolicyTests {
    static let organizations = ["org1", "org2", "org3"]

    private static func member(_ organization: String) -> EndorsementPolicy { .member(organization: organization) }

    private func parse(_ text: String, _ organizations: [String] = Self.organizations) throws -> EndorsementPolicy {
        try EndorsementPolicy.parse(text, organizations: organizations)
    }

    // MARK: Reading good text

    @Test func andOrAndOutOf() throws {
        let (org1, org2, org3) = (Self.member("org1"), Self.member("org2"), Self.member("org3"))
        #expect(try parse("AND('org1.member', 'org2.member')") == .and([org1, org2]))
        #expect(try parse("OR('org1.peer', \"org2.member\")") == .or([org1, org2]))
        #expect(try parse("OutOf(2, 'org1.member', 'org2.member', 'org3.member')") == .outOf(2, [org1, org2, org3]))
        #expect(try parse("'org3.peer'") == org3)
        #expect(try parse("AND('org1.member')") == .and([org1]))
    }

    @Test func nestedPolicies() throws {
        let (org1, org2, org3) = (Self.member("org1"), Self.member("org2"), Self.member("org3"))
        #expect(try parse("AND('org1.member', OR('org2.member', OutOf(1, 'org3.peer')))")
            == .and([org1, .or([org2, .outOf(1, [org3])])]))
        #expect(try parse("OR(AND('org1.member', 'org2.member'), AND('org2.member', 'org3.member'))")
            == .or([.and([org1, org2]), .and([org2, org3])]))
    }

    @Test func mspNamesKeywordCaseAndWhitespace() throws {
        let (org1, org2, org3) = (Self.member("org1"), Self.member("org2"), Self.member("org3"))
        #expect(try parse("OR('Org1MSP.member', 'ORG2msp.peer', \"org3MSP.member\")") == .or([org1, org2, org3]))
        #expect(try parse("and('org1.member', Or('org2.member'), outof(1, 'org3.member'), OUTOF(1, 'org1.peer'))")
            == .and([org1, .or([org2]), .outOf(1, [org3]), .outOf(1, [org1])]))
        #expect(try parse("  AND (\n 'org1.member' ,\t'org2.member' )  ") == .and([org1, org2]))
        #expect(try parse("OutOf( 1 ,'org1.member')") == .outOf(1, [org1]))
        // The organisation is what comes before the last dot.
        #expect(try parse("'hospital.east.member'", ["hospital.east"]) == Self.member("hospital.east"))
    }

    @Test(arguments: [
        (["a"], 1, 1, 1),
        (["a", "b"], 2, 1, 2),
        (["a", "b", "c"], 2, 1, 3),
        (["a", "b", "c", "d"], 3, 1, 4),
    ])
    func shorthands(organizations: [String], majority: Int, any: Int, all: Int) throws {
        let members = organizations.map(Self.member)
        for text in ["MAJORITY", "majority", " MAJORITY Endorsement ", "Majority  endorsement"] {
            #expect(try parse(text, organizations) == .outOf(majority, members), "\(text)")
        }
        for text in ["ANY", "any Endorsement"] {
            #expect(try parse(text, organizations) == .outOf(any, members), "\(text)")
        }
        for text in ["ALL", "\tAll ENDORSEMENT\n"] {
            #expect(try parse(text, organizations) == .outOf(all, members), "\(text)")
        }
    }

    // MARK: Reading broken text

    /// A text that must not parse, where, and a fragment of why.
    struct Broken: Sendable, CustomTestStringConvertible {
        let text: String
        let column: Int
        let fragment: String
        var organizations = EndorsementPolicyTests.organizations

        var testDescription: String { fragment }
    }

    static let broken: [Broken] = [
        Broken(text: "AND('org1.member', 'orgg2.member')", column: 21, fragment: "unknown organisation 'orgg2'; did you mean 'org2'?"),
        Broken(text: "'hospital.member'", column: 2, fragment: "unknown organisation 'hospital' (known: org1, org2, org3)"),
        Broken(text: "'ORG1.member'", column: 2, fragment: "did you mean 'org1'?"),
        Broken(text: "OR('org1.admin')", column: 10, fragment: "role 'admin': vernier's endorsers are peers; use 'member' or 'peer'"),
        Broken(text: "'org1.client'", column: 7, fragment: "role 'client': vernier's endorsers are peers"),
        Broken(text: "'org1.writer'", column: 7, fragment: "unknown role 'writer'"),
        Broken(text: "'org1'", column: 2, fragment: "not of the form 'organisation.role'"),
        Broken(text: "OutOf(3, 'org1.member', 'org2.member')", column: 7, fragment: "n <= 2 (the policies after it), but n is 3"),
        Broken(text: "OutOf(0, 'org1.member')", column: 7, fragment: "but n is 0"),
        Broken(text: "OutOf(99999999999999999999999, 'org1.member')", column: 7, fragment: "but n is 99999999999999999999999"),
        Broken(text: "OutOf(x, 'org1.member')", column: 7, fragment: "expected OutOf's count"),
        Broken(text: "OutOf(-1, 'org1.member')", column: 7, fragment: "expected OutOf's count"),
        Broken(text: "OutOf(1 'org1.member')", column: 9, fragment: "missing comma after OutOf's count"),
        Broken(text: "OutOf(1)", column: 8, fragment: "OutOf needs at least one policy"),
        Broken(text: "AND('org1.member' 'org2.member')", column: 19, fragment: "missing comma after a policy"),
        Broken(text: "OR('org1.member' AND('org2.member'))", column: 18, fragment: "missing comma"),
        Broken(text: "AND('org1.member'; 'org2.member')", column: 18, fragment: "expected ',' or ')' after a policy, found ';'"),
        Broken(text: "AND('org1.member', OR('org2.member')", column: 37, fragment: "unbalanced parentheses: the '(' at column 4 is never closed"),
        Broken(text: "AND('org1.member', OR('org2.member'", column: 36, fragment: "the '(' at column 22 is never closed"),
        Broken(text: "OR('org1.member'))", column: 18, fragment: "unbalanced parentheses: this ')' closes nothing"),
        Broken(text: "AND 'org1.member'", column: 5, fragment: "expected '(' after AND"),
        Broken(text: "AND('org1.member', 'org2.member)", column: 20, fragment: "unterminated quote"),
        Broken(text: "\"org1.member'", column: 1, fragment: "unterminated quote"),
        Broken(text: "'org1.member' 'org2.member'", column: 15, fragment: "unexpected text after a complete policy"),
        Broken(text: "AND('org1.member') x", column: 20, fragment: "unexpected text after a complete policy: 'x'"),
        Broken(text: "", column: 1, fragment: "policy text is empty"),
        Broken(text: " \n\t ", column: 1, fragment: "policy text is empty"),
        Broken(text: "AND()", column: 5, fragment: "AND needs at least one policy"),
        Broken(text: "OR('org1.member',)", column: 18, fragment: "expected a quoted principal or AND, OR, OutOf, found ')'"),
        Broken(text: "AND(", column: 5, fragment: "the text ends where a policy was expected"),
        Broken(text: "NAND('org1.member')", column: 1, fragment: "unknown keyword 'NAND'"),
        Broken(text: "MAJORITY please", column: 10, fragment: "'MAJORITY' may be followed only by 'Endorsement'"),
        Broken(text: "AND(ALL, 'org1.member')", column: 5, fragment: "'ALL' is a shorthand for the whole policy"),
        Broken(text: "ANY", column: 1, fragment: "none were given", organizations: []),
        Broken(
            text: String(repeating: "AND(", count: 17) + "'org1.member'" + String(repeating: ")", count: 17),
            column: 65, fragment: "nesting deeper than 16 levels"
        ),
        Broken(
            text: "OR(" + Array(repeating: "'org1.member'", count: 65).joined(separator: ",") + ")",
            column: 4 + 64 * 14, fragment: "more than 64 principals"
        ),
        Broken(text: String(repeating: " ", count: 4097), column: 4097, fragment: "longer than 4096 characters"),
    ]

    @Test(arguments: broken)
    func brokenTextSaysWhereAndWhy(_ broken: Broken) {
        do {
            let policy = try EndorsementPolicy.parse(broken.text, organizations: broken.organizations)
            Issue.record("parsed as \(policy)")
        } catch {
            #expect(error.column == broken.column, "\(error)")
            #expect(error.reason.contains(broken.fragment), "\(error)")
            #expect(error.description == "column \(error.column): \(error.reason)")
        }
    }

    @Test func theDeepestAndLargestAllowedPoliciesParse() throws {
        let deep = String(repeating: "AND(", count: 16) + "'org1.member'" + String(repeating: ")", count: 16)
        var expected = Self.member("org1")
        for _ in 0..<16 { expected = .and([expected]) }
        #expect(try parse(deep) == expected)
        let wide = "OR(" + Array(repeating: "'org1.member'", count: 64).joined(separator: ",") + ")"
        #expect(try parse(wide) == .or(Array(repeating: Self.member("org1"), count: 64)))
    }

    // MARK: Writing and bytes

    static let samples: [EndorsementPolicy] = [
        .member(organization: "org1"),
        .and([.member(organization: "org1"), .member(organization: "org2")]),
        .or([.member(organization: "org1"), .and([.member(organization: "org2"), .member(organization: "org3")])]),
        .outOf(2, [.member(organization: "org1"), .member(organization: "org2"), .or([.member(organization: "org3")])]),
        .and([.member(organization: "org1"), .member(organization: "org1")]),
    ]

    @Test func descriptionIsFabricSyntax() {
        #expect(Self.samples[1].description == "AND('org1.member', 'org2.member')")
        #expect(Self.samples[3].description == "OutOf(2, 'org1.member', 'org2.member', OR('org3.member'))")
        #expect(EndorsementPolicy.member(organization: "o'brien").description == "\"o'brien.member\"")
    }

    @Test(arguments: samples)
    func descriptionParsesBack(_ policy: EndorsementPolicy) throws {
        #expect(try parse(policy.description) == policy)
    }

    @Test func shorthandsAndQuirkyNamesParseBack() throws {
        for organizations in [["org1"], ["a", "b", "c", "d"], ["o'brien", "x.y"]] {
            for text in ["MAJORITY", "ANY", "ALL"] {
                let policy = try parse(text, organizations)
                #expect(try parse(policy.description, organizations) == policy)
            }
        }
    }

    @Test(arguments: samples)
    func bytesRoundTrip(_ policy: EndorsementPolicy) throws {
        let bytes = policy.canonicalBytes
        let decoded = try EndorsementPolicy(canonicalBytes: bytes)
        #expect(decoded == policy)
        #expect(decoded.canonicalBytes == bytes)
        for length in 0..<bytes.count {
            #expect(throws: CodecError.self) { try EndorsementPolicy(canonicalBytes: Array(bytes[0..<length])) }
        }
    }

    @Test func theLayoutIsTagThenFields() {
        var writer = CanonicalWriter()
        writer.write(UInt8(4))
        writer.write(UInt32(1))
        writer.write(UInt32(1))
        writer.write(UInt8(1))
        writer.write("a")
        #expect(EndorsementPolicy.outOf(1, [.member(organization: "a")]).canonicalBytes == writer.bytes)
    }

    @Test func malformedBytesNameTheField() {
        #expect(throws: CodecError.unknownTag(field: "endorsementPolicy", tag: 9)) {
            try EndorsementPolicy(canonicalBytes: [9])
        }
        let tooMany = EndorsementPolicy.outOf(3, [.member(organization: "a"), .member(organization: "b")])
        #expect(throws: CodecError.invalidValue(field: "endorsementPolicy.outOf.count", reason: "3 is outside 1...2")) {
            try EndorsementPolicy(canonicalBytes: tooMany.canonicalBytes)
        }
        let none = EndorsementPolicy.outOf(0, [.member(organization: "a")])
        #expect(throws: CodecError.invalidValue(field: "endorsementPolicy.outOf.count", reason: "0 is outside 1...1")) {
            try EndorsementPolicy(canonicalBytes: none.canonicalBytes)
        }
        #expect(throws: CodecError.invalidValue(field: "endorsementPolicy.and", reason: "holds no policies")) {
            try EndorsementPolicy(canonicalBytes: EndorsementPolicy.and([]).canonicalBytes)
        }
        let wide = EndorsementPolicy.or(Array(repeating: .member(organization: "a"), count: 65))
        #expect(throws: CodecError.oversized(field: "endorsementPolicy.or", length: 65, limit: 64)) {
            try EndorsementPolicy(canonicalBytes: wide.canonicalBytes)
        }
        let crowded = EndorsementPolicy.and(Array(repeating: .or(Array(repeating: .member(organization: "a"), count: 33)), count: 2))
        #expect(throws: CodecError.oversized(field: "endorsementPolicy.principals", length: 65, limit: 64)) {
            try EndorsementPolicy(canonicalBytes: crowded.canonicalBytes)
        }
        var deep = EndorsementPolicy.member(organization: "a")
        for _ in 0..<16 { deep = .and([deep]) }
        #expect((try? EndorsementPolicy(canonicalBytes: deep.canonicalBytes)) == deep)
        #expect(throws: CodecError.invalidValue(field: "endorsementPolicy", reason: "nested deeper than 16 levels")) {
            try EndorsementPolicy(canonicalBytes: EndorsementPolicy.or([deep]).canonicalBytes)
        }
        #expect(throws: CodecError.trailingBytes(count: 1)) {
            try EndorsementPolicy(canonicalBytes: Self.samples[1].canonicalBytes + [0])
        }
    }

    // MARK: Satisfaction

    @Test func eachEndorsementCountsForOnePrincipal() throws {
        let twice = try parse("AND('org1.member', 'org1.member')")
        #expect(twice.isSatisfied(byOrganizations: ["org1", "org1"]))
        #expect(!twice.isSatisfied(byOrganizations: ["org1"]))
        #expect(!twice.isSatisfied(byOrganizations: ["org1", "org2"]))

        let shared = EndorsementPolicy.and([.or([Self.member("a"), Self.member("b")]), Self.member("a")])
        #expect(shared.isSatisfied(byOrganizations: ["a", "b"]))
        #expect(shared.isSatisfied(byOrganizations: ["b", "a"]))
        #expect(shared.isSatisfied(byOrganizations: ["a", "a"]))
        #expect(!shared.isSatisfied(byOrganizations: ["a"]))
        #expect(!shared.isSatisfied(byOrganizations: ["b", "b"]))
    }

    @Test func truthTables() {
        let (a, b, c) = (Self.member("a"), Self.member("b"), Self.member("c"))
        let twoOfThree = EndorsementPolicy.outOf(2, [a, b, c])
        let cases: [(EndorsementPolicy, [String], Bool)] = [
            (a, [], false), (a, ["a"], true), (a, ["b"], false), (a, ["b", "a"], true),
            (.and([a, b]), ["a"], false), (.and([a, b]), ["b"], false), (.and([a, b]), ["a", "b"], true),
            (.and([a, b]), ["a", "a"], false), (.and([a, b]), ["c", "b", "a"], true),
            (.or([a, b]), [], false), (.or([a, b]), ["a"], true), (.or([a, b]), ["b"], true), (.or([a, b]), ["c"], false),
            (twoOfThree, ["c", "a"], true), (twoOfThree, ["a", "b"], true), (twoOfThree, ["b", "c"], true),
            (twoOfThree, ["a"], false), (twoOfThree, ["a", "a"], false), (twoOfThree, ["a", "d"], false),
            (.outOf(2, [a, a, b]), ["a", "a"], true), (.outOf(2, [a, a, b]), ["a"], false),
            (.outOf(3, [.or([a, b]), .or([a, c]), b]), ["a", "b", "c"], true),
            (.outOf(3, [.or([a, b]), .or([a, c]), b]), ["a", "b"], false),
            (.outOf(3, [.or([a, b]), .or([a, c]), b]), ["a", "b", "b"], true),
            (.and([.or([a, b]), .or([b, c]), .or([c, a])]), ["a", "b", "c"], true),
            (.and([.or([a, b]), .or([b, c]), .or([c, a])]), ["a", "b"], false),
            (.and([.or([a, b]), .or([a, c]), .or([a, b])]), ["a", "b", "c"], true),
            (.and([.or([a, b]), .or([a, c]), .or([a, b])]), ["a", "c", "c"], false),
        ]
        for (policy, endorsers, expected) in cases {
            #expect(policy.isSatisfied(byOrganizations: endorsers) == expected, "\(policy) by \(endorsers)")
        }
    }

    /// Exact satisfaction checked against trying every set of principals on seeded random policies.
    @Test func matchesTryingEverySetOfPrincipals() {
        var generator = SeededGenerator(seed: 7)
        let names = ["a", "b", "c"]
        var outcomes: [Bool: Int] = [:]
        for _ in 0..<300 {
            var leaves = 0
            let policy = Self.randomPolicy(depth: 0, leaves: &leaves, names: names, using: &generator)
            for _ in 0..<6 {
                let endorsers = (0..<Int.random(in: 0...4, using: &generator)).map { _ in names.randomElement(using: &generator)! }
                let expected = Self.bruteForce(policy, endorsers)
                outcomes[expected, default: 0] += 1
                #expect(policy.isSatisfied(byOrganizations: endorsers) == expected, "\(policy) by \(endorsers)")
            }
        }
        #expect(outcomes[true, default: 0] > 300 && outcomes[false, default: 0] > 300, "\(outcomes)")
    }

    @Test func theLargestPoliciesAreQuickToCheck() throws {
        let federation = (1...64).map { "org\($0)" }
        let majority = try parse("MAJORITY", federation)
        #expect(majority.isSatisfied(byOrganizations: Array(federation.prefix(33))))
        #expect(!majority.isSatisfied(byOrganizations: Array(federation.prefix(32)) + Array(repeating: "org1", count: 40)))

        let one = EndorsementPolicy.outOf(32, Array(repeating: Self.member("a"), count: 64))
        #expect(one.isSatisfied(byOrganizations: Array(repeating: "a", count: 32)))
        #expect(!one.isSatisfied(byOrganizations: Array(repeating: "a", count: 31)))

        // Sixteen contested pairs: each organisation named twice, endorsed once.
        let pairs = (0..<16).map { index in
            EndorsementPolicy.or([Self.member("o\(index)"), Self.member("o\((index + 1) % 16)")])
        }
        let ring = EndorsementPolicy.and(pairs)
        let everyone = (0..<16).map { "o\($0)" }
        #expect(ring.isSatisfied(byOrganizations: everyone))
        #expect(!ring.isSatisfied(byOrganizations: Array(everyone.dropLast())))
        #expect(EndorsementPolicy.outOf(8, pairs).isSatisfied(byOrganizations: everyone.filter { $0.count == 2 }))
    }

    @Test func targetsAreWhatThePolicyNeeds() throws {
        #expect(try parse("AND('org1.member', 'org2.member', 'org1.peer')").targetOrganizations == ["org1", "org1", "org2"])
        #expect(try parse("OR('org2.member', 'org1.member')").targetOrganizations == ["org2"])
        #expect(try parse("OutOf(2, 'org3.member', 'org1.member', 'org2.member')").targetOrganizations == ["org3", "org1"])
        #expect(try parse("AND(OR('org2.member', 'org1.member'), OutOf(1, 'org3.member', 'org1.member'), 'org2.peer')")
            .targetOrganizations == ["org2", "org2", "org3"])
        #expect(try parse("MAJORITY Endorsement").targetOrganizations == ["org1", "org2"])
        #expect(try parse("MAJORITY", ["a", "b", "c", "d"]).targetOrganizations == ["a", "b", "c"])
        #expect(try parse("ALL").targetOrganizations == Self.organizations)
        #expect(try parse("'org3.member'").targetOrganizations == ["org3"])
        for policy in Self.samples {
            #expect(policy.isSatisfied(byOrganizations: policy.targetOrganizations), "\(policy)")
        }
    }

    // MARK: Helpers

    private static func randomPolicy(
        depth: Int, leaves: inout Int, names: [String], using generator: inout SeededGenerator
    ) -> EndorsementPolicy {
        if depth >= 3 || leaves >= 7 || Int.random(in: 0..<3, using: &generator) == 0 {
            leaves += 1
            return .member(organization: names.randomElement(using: &generator)!)
        }
        var children: [EndorsementPolicy] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            children.append(randomPolicy(depth: depth + 1, leaves: &leaves, names: names, using: &generator))
        }
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: return .and(children)
        case 1: return .or(children)
        default: return .outOf(Int.random(in: 1...children.count, using: &generator), children)
        }
    }

    /// True when some set of the policy's principals, no more per organisation than it has endorsers, makes it true.
    private static func bruteForce(_ policy: EndorsementPolicy, _ endorsers: [String]) -> Bool {
        var leaves: [String] = []
        collectLeaves(policy, into: &leaves)
        for mask in 0..<(1 << leaves.count) {
            var used: [String: Int] = [:]
            for (bit, organization) in leaves.enumerated() where mask & (1 << bit) != 0 { used[organization, default: 0] += 1 }
            guard used.allSatisfy({ organization, count in endorsers.filter { $0 == organization }.count >= count }) else {
                continue
            }
            var next = 0
            if evaluate(policy, mask: mask, next: &next) { return true }
        }
        return false
    }

    private static func collectLeaves(_ policy: EndorsementPolicy, into leaves: inout [String]) {
        switch policy {
        case .member(let organization): leaves.append(organization)
        case .and(let children), .or(let children), .outOf(_, let children):
            for child in children { collectLeaves(child, into: &leaves) }
        }
    }

    private static func evaluate(_ policy: EndorsementPolicy, mask: Int, next: inout Int) -> Bool {
        switch policy {
        case .member:
            defer { next += 1 }
            return mask & (1 << next) != 0
        case .and(let children):
            return children.map { evaluate($0, mask: mask, next: &next) }.allSatisfy { $0 }
        case .or(let children):
            return children.map { evaluate($0, mask: mask, next: &next) }.contains(true)
        case .outOf(let count, let children):
            return children.map { evaluate($0, mask: mask, next: &next) }.filter { $0 }.count >= count
        }
    }
}
