/// Which organisations' peers must sign a transaction's result for it to be valid, in Fabric's language.
///
/// Values read by `parse` or decoded from bytes hold at most 64 principals nested at most 16 deep;
/// the recursive members below walk a value's own finite tree.
public import LedgerPrimitives
public indirect enum EndorsementPolicy: Sendable, Hashable, CanonicalCodable, CustomStringConvertible {
    /// A signature by any peer of the named organisation (Fabric's 'org.member' / 'org.peer').
    case member(organization: String)
    /// Every one of the policies.
    case and([EndorsementPolicy])
    /// Any one of the policies.
    case or([EndorsementPolicy])
    /// At least `count` of the policies.
    case outOf(Int, [EndorsementPolicy])

    /// The most principals one policy may name, in text or in bytes.
    static let maximumPrincipalCount = 64
    /// The most AND, OR and OutOf one principal may sit inside, in text or in bytes.
    static let maximumNestingDepth = 16
    /// The longest policy text read.
    static let maximumTextLengthCharacters = 4096
    /// The most policies one AND, OR or OutOf may hold in bytes.
    static let maximumChildCount = 64

    /// Reads a policy; `organizations` are the federation's organisation names (e.g. ["org1","org2"]).
    public static func parse(_ text: String, organizations: [String]) throws(EndorsementPolicyError) -> EndorsementPolicy {
        let characters = Array(text.prefix(maximumTextLengthCharacters + 1))
        guard characters.count <= maximumTextLengthCharacters else {
            throw EndorsementPolicyError(
                column: maximumTextLengthCharacters + 1,
                reason: "policy text is longer than \(maximumTextLengthCharacters) characters"
            )
        }
        var parser = PolicyParser(characters: characters, organizations: organizations)
        return try parser.parseWhole()
    }

    /// True when the endorsers' organisations (one entry per distinct endorsing peer) satisfy the policy,
    /// each endorsement counting for at most one principal.
    public func isSatisfied(byOrganizations endorsers: [String]) -> Bool {
        var named: [String] = []
        var principalCounts: [String: Int] = [:]
        countPrincipals(named: &named, counts: &principalCounts)
        var available: [String: Int] = [:]
        for organization in endorsers where available[organization, default: 0] < principalCounts[organization] ?? 0 {
            available[organization, default: 0] += 1
        }
        // An organisation with an endorsement for every principal naming it, or with none, decides those
        // principals alone; only the rest are contested and need their unused endorsements tracked.
        var ledger = EndorsementLedger()
        var start: [Int] = []
        for organization in named {
            let count = available[organization] ?? 0
            if count == principalCounts[organization] {
                ledger.plentiful.insert(organization)
            } else if count > 0 {
                ledger.slots[organization] = start.count
                start.append(count)
            }
        }
        return !remainders(after: [start], ledger, anyWill: true).isEmpty
    }

    /// The organisations whose peers a client asks to endorse: the fewest the policy needs, in order of
    /// first appearance, an organisation repeated when the policy needs two of its peers.
    /// AND: every child's needs summed; OR: the first child's; OutOf(n): the first n children's summed.
    public var targetOrganizations: [String] {
        let needs = needs
        var targets: [String] = []
        for (organization, count) in zip(needs.organizations, needs.counts) {
            targets.append(contentsOf: repeatElement(organization, count: count))
        }
        return targets
    }

    /// Fabric's syntax, e.g. "AND('org1.member', 'org2.member')"; parse(description) gives the policy back.
    public var description: String {
        switch self {
        case .member(let organization):
            let principal = organization + ".member"
            return principal.contains("'") ? "\"\(principal)\"" : "'\(principal)'"
        case .and(let children):
            return "AND(\(Self.list(children)))"
        case .or(let children):
            return "OR(\(Self.list(children)))"
        case .outOf(let count, let children):
            return children.isEmpty ? "OutOf(\(count))" : "OutOf(\(count), \(Self.list(children)))"
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .member(let organization):
            writer.write(UInt8(1))
            writer.write(organization)
        case .and(let children):
            writer.write(UInt8(2))
            writer.write(children)
        case .or(let children):
            writer.write(UInt8(3))
            writer.write(children)
        case .outOf(let count, let children):
            writer.write(UInt8(4))
            // A count outside UInt32 is out of range anyway; decoding rejects it rather than encoding trapping.
            writer.write(UInt32(clamping: count))
            writer.write(children)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        var principalCount = 0
        self = try Self.decode(from: &reader, enclosingDepth: 0, principalCount: &principalCount)
    }

    // MARK: Decoding

    /// Reads one node `enclosingDepth` combinators deep, counting principals across the whole policy.
    private static func decode(
        from reader: inout CanonicalReader, enclosingDepth: Int, principalCount: inout Int
    ) throws(CodecError) -> EndorsementPolicy {
        let tag = try reader.readUInt8("endorsementPolicy")
        if tag != 1 && enclosingDepth >= maximumNestingDepth {
            throw .invalidValue(field: "endorsementPolicy", reason: "nested deeper than \(maximumNestingDepth) levels")
        }
        switch tag {
        case 1:
            principalCount += 1
            guard principalCount <= maximumPrincipalCount else {
                throw .oversized(field: "endorsementPolicy.principals", length: principalCount, limit: maximumPrincipalCount)
            }
            return .member(organization: try reader.readString("endorsementPolicy.member.organization"))
        case 2:
            return .and(try decodeChildren("endorsementPolicy.and", &reader, enclosingDepth, &principalCount))
        case 3:
            return .or(try decodeChildren("endorsementPolicy.or", &reader, enclosingDepth, &principalCount))
        case 4:
            let count = Int(try reader.readUInt32("endorsementPolicy.outOf.count"))
            let children = try decodeChildren("endorsementPolicy.outOf", &reader, enclosingDepth, &principalCount)
            guard (1...children.count).contains(count) else {
                throw .invalidValue(
                    field: "endorsementPolicy.outOf.count", reason: "\(count) is outside 1...\(children.count)"
                )
            }
            return .outOf(count, children)
        default:
            throw .unknownTag(field: "endorsementPolicy", tag: tag)
        }
    }

    /// Reads a combinator's UInt32 count (1...64) and that many policies one level deeper.
    private static func decodeChildren(
        _ field: String, _ reader: inout CanonicalReader, _ enclosingDepth: Int, _ principalCount: inout Int
    ) throws(CodecError) -> [EndorsementPolicy] {
        let count = Int(try reader.readUInt32(field))
        guard count <= maximumChildCount else { throw .oversized(field: field, length: count, limit: maximumChildCount) }
        guard count >= 1 else { throw .invalidValue(field: field, reason: "holds no policies") }
        // Every policy takes at least one byte, so a count beyond what is left is truncation.
        guard count <= reader.remainingCount else {
            throw .truncated(field: field, neededBytes: count, availableBytes: reader.remainingCount)
        }
        var children: [EndorsementPolicy] = []
        children.reserveCapacity(count)
        for _ in 0..<count {
            children.append(try decode(from: &reader, enclosingDepth: enclosingDepth + 1, principalCount: &principalCount))
        }
        return children
    }

    // MARK: Satisfaction

    /// Lists the organisations named, in order of first appearance, with how often each is named.
    private func countPrincipals(named: inout [String], counts: inout [String: Int]) {
        switch self {
        case .member(let organization):
            if counts[organization] == nil { named.append(organization) }
            counts[organization, default: 0] += 1
        case .and(let children), .or(let children), .outOf(_, let children):
            for child in children { child.countPrincipals(named: &named, counts: &counts) }
        }
    }

    /// Which organisations' principals are met outright and where the contested ones keep their count.
    private struct EndorsementLedger {
        /// Organisations with an endorsement for every principal naming them.
        var plentiful: Set<String> = []
        /// Contested organisations: their index in a state, which holds how many endorsements are unused.
        var slots: [String: Int] = [:]
    }

    /// Every way to satisfy this policy from one of `states`, as what is left afterwards; only the states
    /// no other state beats are kept, since more left over never hurts. Exact, so exponential at worst
    /// (sharing endorsements between alternatives is set packing), but only contested organisations count.
    /// With `anyWill`, the caller only asks whether there is a way, and the answer may stop at the first.
    private func remainders(after states: Set<[Int]>, _ ledger: EndorsementLedger, anyWill: Bool = false) -> Set<[Int]> {
        if states.isEmpty { return [] }
        switch self {
        case .member(let organization):
            guard let slot = ledger.slots[organization] else {
                return ledger.plentiful.contains(organization) ? states : []
            }
            var left: Set<[Int]> = []
            for state in states where state[slot] > 0 {
                var used = state
                used[slot] -= 1
                left.insert(used)
            }
            return Self.keepingBest(left)
        case .and(let children):
            var current = states
            for (index, child) in children.enumerated() {
                current = child.remainders(after: current, ledger, anyWill: anyWill && index == children.count - 1)
                if current.isEmpty { break }
            }
            return current
        case .or(let children):
            var left: Set<[Int]> = []
            for child in children {
                left.formUnion(child.remainders(after: states, ledger, anyWill: anyWill))
                if anyWill && !left.isEmpty { return left }
            }
            return Self.keepingBest(left)
        case .outOf(let needed, let children):
            guard needed > 0 else { return states }
            guard needed <= children.count else { return [] }
            // byMet[k]: what can be left having met k of the children seen so far (k capped at `needed`).
            var byMet = [Set<[Int]>](repeating: [], count: needed + 1)
            byMet[0] = states
            for (index, child) in children.enumerated() {
                // Downwards, so that one child counts once.
                for met in stride(from: needed - 1, through: 0, by: -1) where !byMet[met].isEmpty {
                    byMet[met + 1].formUnion(child.remainders(after: byMet[met], ledger))
                    byMet[met + 1] = Self.keepingBest(byMet[met + 1])
                }
                if anyWill && !byMet[needed].isEmpty { break }
                // A count that the children still to come cannot lift to `needed` is a dead end.
                let unseen = children.count - index - 1
                for met in 0..<needed where met + unseen < needed { byMet[met] = [] }
            }
            return byMet[needed]
        }
    }

    /// The states that no other state equals or exceeds in every slot.
    private static func keepingBest(_ states: Set<[Int]>) -> Set<[Int]> {
        if states.count < 2 { return states }
        // A state can only be beaten by one with a larger total; whatever beats it is itself beaten by a kept
        // state or kept, so comparing with the kept states suffices.
        let byTotal = states.map { (state: $0, total: $0.reduce(0, +)) }.sorted { $0.total > $1.total }
        var best: [[Int]] = []
        for (candidate, _) in byTotal {
            let beaten = best.contains { kept in zip(kept, candidate).allSatisfy { $0 >= $1 } }
            if !beaten { best.append(candidate) }
        }
        return Set(best)
    }

    // MARK: Targets and text

    /// Organisations in order of first appearance, with how many of their peers are needed.
    private struct Needs {
        var organizations: [String] = []
        var counts: [Int] = []

        mutating func add(_ other: Needs) {
            for (organization, count) in zip(other.organizations, other.counts) {
                if let index = organizations.firstIndex(of: organization) {
                    counts[index] += count
                } else {
                    organizations.append(organization)
                    counts.append(count)
                }
            }
        }
    }

    private var needs: Needs {
        switch self {
        case .member(let organization):
            return Needs(organizations: [organization], counts: [1])
        case .and(let children):
            return Self.summedNeeds(children)
        case .or(let children):
            return children.first?.needs ?? Needs()
        case .outOf(let count, let children):
            return Self.summedNeeds(children.prefix(max(0, count)))
        }
    }

    private static func summedNeeds(_ children: some Sequence<EndorsementPolicy>) -> Needs {
        var sum = Needs()
        for child in children { sum.add(child.needs) }
        return sum
    }

    private static func list(_ children: [EndorsementPolicy]) -> String {
        children.map(\.description).joined(separator: ", ")
    }
}

/// Why a policy text cannot be read: the 1-based character column and what was wrong there.
public struct EndorsementPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, counting characters from 1; one past the end when the text stops too early.
    public var column: Int
    /// What was wrong there.
    public var reason: String

    public var description: String { "column \(column): \(reason)" }
}

/// Reads Fabric's policy syntax by recursive descent over characters, at most 16 combinators deep.
private struct PolicyParser {
    let characters: [Character]
    let organizations: [String]
    /// The next unread character.
    var index = 0
    var principalCount = 0

    private static let shorthands = ["majority", "any", "all"]

    init(characters: [Character], organizations: [String]) {
        self.characters = characters
        self.organizations = organizations
    }

    mutating func parseWhole() throws(EndorsementPolicyError) -> EndorsementPolicy {
        skipWhitespace()
        guard index < characters.count else { throw failure(at: 0, "policy text is empty") }
        if let shorthand = try parseShorthand() { return shorthand }
        let policy = try parsePolicy(enclosingDepth: 0)
        skipWhitespace()
        guard index == characters.count else {
            if characters[index] == ")" {
                throw failure(at: index, "unbalanced parentheses: this ')' closes nothing")
            }
            throw failure(at: index, "unexpected text after a complete policy: \(quotedSnippet(from: index))")
        }
        return policy
    }

    // MARK: Shorthands

    /// MAJORITY, ANY or ALL as the whole text, optionally followed by 'Endorsement'; nil for other text.
    private mutating func parseShorthand() throws(EndorsementPolicyError) -> EndorsementPolicy? {
        var words: [(start: Int, text: String)] = []
        var wordStart: Int? = nil
        for position in index...characters.count {
            let isSpace = position == characters.count || characters[position].isWhitespace
            if isSpace, let start = wordStart {
                words.append((start, String(characters[start..<position])))
                wordStart = nil
            } else if !isSpace && wordStart == nil {
                wordStart = position
            }
        }
        guard let first = words.first, Self.shorthands.contains(first.text.lowercased()) else { return nil }
        if words.count > 1 {
            guard words.count == 2, words[1].text.lowercased() == "endorsement" else {
                throw failure(at: words[1].start, "'\(first.text)' may be followed only by 'Endorsement'")
            }
        }
        var distinct: [String] = []
        for organization in organizations where !distinct.contains(organization) { distinct.append(organization) }
        guard !distinct.isEmpty else {
            throw failure(at: first.start, "'\(first.text)' needs the federation's organisations, and none were given")
        }
        guard distinct.count <= EndorsementPolicy.maximumPrincipalCount else {
            throw failure(
                at: first.start,
                "'\(first.text)' would name \(distinct.count) principals, more than \(EndorsementPolicy.maximumPrincipalCount)"
            )
        }
        let members = distinct.map { EndorsementPolicy.member(organization: $0) }
        switch first.text.lowercased() {
        case "majority": return .outOf(distinct.count / 2 + 1, members)
        case "any": return .outOf(1, members)
        default: return .outOf(distinct.count, members)
        }
    }

    // MARK: Policies

    /// A quoted principal or a combinator, after `enclosingDepth` enclosing combinators.
    private mutating func parsePolicy(enclosingDepth: Int) throws(EndorsementPolicyError) -> EndorsementPolicy {
        skipWhitespace()
        guard index < characters.count else { throw failure(at: index, "the text ends where a policy was expected") }
        let next = characters[index]
        if next == "'" || next == "\"" { return try parsePrincipal() }
        if next.isLetter { return try parseCombinator(enclosingDepth: enclosingDepth) }
        throw failure(at: index, "expected a quoted principal or AND, OR, OutOf, found '\(next)'")
    }

    private mutating func parseCombinator(enclosingDepth: Int) throws(EndorsementPolicyError) -> EndorsementPolicy {
        let start = index
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
            index += 1
        }
        let word = String(characters[start..<index])
        let keyword = word.lowercased()
        guard keyword == "and" || keyword == "or" || keyword == "outof" else {
            if Self.shorthands.contains(keyword) {
                throw failure(at: start, "'\(word)' is a shorthand for the whole policy, as '\(word)' or '\(word) Endorsement'")
            }
            throw failure(at: start, "unknown keyword '\(word)': expected AND, OR or OutOf")
        }
        let name = keyword == "outof" ? "OutOf" : keyword.uppercased()
        guard enclosingDepth < EndorsementPolicy.maximumNestingDepth else {
            throw failure(at: start, "nesting deeper than \(EndorsementPolicy.maximumNestingDepth) levels")
        }
        skipWhitespace()
        guard index < characters.count, characters[index] == "(" else {
            throw failure(at: index, "expected '(' after \(name)")
        }
        let open = index
        index += 1

        var required: (digits: String, position: Int)? = nil
        if name == "OutOf" {
            required = try parseCount()
            skipWhitespace()
            if index < characters.count, characters[index] == ")" {
                throw failure(at: index, "OutOf needs at least one policy after its count")
            }
            try expectComma(after: "OutOf's count", open: open)
        } else {
            skipWhitespace()
            if index < characters.count, characters[index] == ")" {
                throw failure(at: index, "\(name) needs at least one policy")
            }
        }

        var children: [EndorsementPolicy] = []
        // Each pass reads at least one character, so the text's length bounds the passes.
        for _ in 0...characters.count {
            children.append(try parsePolicy(enclosingDepth: enclosingDepth + 1))
            skipWhitespace()
            if index < characters.count, characters[index] == ")" {
                index += 1
                break
            }
            try expectComma(after: "a policy", open: open)
        }

        switch name {
        case "AND":
            return .and(children)
        case "OR":
            return .or(children)
        default:
            // OutOf always read its count above.
            let digits = required?.digits ?? ""
            let count = Int(digits) ?? Int.max
            guard (1...children.count).contains(count) else {
                throw failure(
                    at: required?.position ?? open + 1,
                    "OutOf needs 1 <= n <= \(children.count) (the policies after it), but n is \(digits)"
                )
            }
            return .outOf(count, children)
        }
    }

    /// Reads OutOf's count: ASCII digits, giving their text and where they start.
    private mutating func parseCount() throws(EndorsementPolicyError) -> (digits: String, position: Int) {
        skipWhitespace()
        let start = index
        while index < characters.count, let ascii = characters[index].asciiValue, (48...57).contains(ascii) { index += 1 }
        guard index > start else {
            guard index < characters.count else { throw failure(at: index, "the text ends where OutOf's count was expected") }
            throw failure(at: index, "expected OutOf's count (a whole number), found '\(characters[index])'")
        }
        return (String(characters[start..<index]), start)
    }

    /// Consumes a ',' or throws the clearest error for what is there instead.
    private mutating func expectComma(after what: String, open: Int) throws(EndorsementPolicyError) {
        skipWhitespace()
        guard index < characters.count else {
            throw failure(at: index, "unbalanced parentheses: the '(' at column \(open + 1) is never closed")
        }
        let next = characters[index]
        if next == "," {
            index += 1
            return
        }
        if next == "'" || next == "\"" || next.isLetter {
            throw failure(at: index, "missing comma after \(what)")
        }
        throw failure(at: index, "expected ',' or ')' after \(what), found '\(next)'")
    }

    // MARK: Principals

    private mutating func parsePrincipal() throws(EndorsementPolicyError) -> EndorsementPolicy {
        let open = index
        let quote = characters[open]
        index += 1
        while index < characters.count, characters[index] != quote { index += 1 }
        guard index < characters.count else {
            throw failure(at: open, "unterminated quote: the \(quote) opened here is never closed")
        }
        let close = index
        index += 1

        principalCount += 1
        guard principalCount <= EndorsementPolicy.maximumPrincipalCount else {
            throw failure(at: open, "more than \(EndorsementPolicy.maximumPrincipalCount) principals")
        }
        let content = open + 1..<close
        guard let dot = characters[content].lastIndex(of: ".") else {
            throw failure(at: open + 1, "principal '\(String(characters[content]))' is not of the form 'organisation.role'")
        }
        let given = String(characters[open + 1..<dot])
        let role = String(characters[dot + 1..<close])
        let organization = try resolve(given, at: open + 1)
        switch role {
        case "member", "peer":
            return .member(organization: organization)
        case "admin", "client", "orderer":
            throw failure(at: dot + 1, "role '\(role)': vernier's endorsers are peers; use 'member' or 'peer'")
        default:
            throw failure(at: dot + 1, "unknown role '\(role)': use 'member' or 'peer'")
        }
    }

    /// The federation's name for `given`: itself, or a name whose MSP ID (name + "MSP", any case) it is.
    private func resolve(_ given: String, at position: Int) throws(EndorsementPolicyError) -> String {
        if organizations.contains(given) { return given }
        let lowered = given.lowercased()
        if let match = organizations.first(where: { ($0 + "MSP").lowercased() == lowered }) { return match }

        let known = organizations.isEmpty ? "none" : organizations.joined(separator: ", ")
        var suggestion: (name: String, distance: Int)? = nil
        for name in organizations {
            let distance = min(
                editDistance(lowered, name.lowercased(), limit: 2),
                editDistance(lowered, (name + "MSP").lowercased(), limit: 2)
            )
            if distance <= 2, distance < (suggestion?.distance ?? Int.max) { suggestion = (name, distance) }
        }
        let hint = suggestion.map { "; did you mean '\($0.name)'?" } ?? ""
        throw failure(at: position, "unknown organisation '\(given)'\(hint) (known: \(known))")
    }

    // MARK: Characters

    private mutating func skipWhitespace() {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
    }

    /// Up to 20 characters from `position`, quoted for a message.
    private func quotedSnippet(from position: Int) -> String {
        let end = min(characters.count, position + 20)
        let tail = end < characters.count ? "..." : ""
        return "'\(String(characters[position..<end]))\(tail)'"
    }

    /// An error at the 0-based character `position`.
    private func failure(at position: Int, _ reason: String) -> EndorsementPolicyError {
        EndorsementPolicyError(column: position + 1, reason: reason)
    }
}

/// Levenshtein distance between two strings by characters, or `limit + 1` when it is surely beyond `limit`.
private func editDistance(_ first: String, _ second: String, limit: Int) -> Int {
    let a = Array(first)
    let b = Array(second)
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
