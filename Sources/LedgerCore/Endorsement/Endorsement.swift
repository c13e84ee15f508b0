/// The endorsement rules a federation fixes at genesis (Fabric's channel configuration): the
/// policy every transaction must satisfy and the peers that may endorse, with their keys.
public import Contracts
public import LedgerPrimitives
public struct EndorsementConfiguration: Sendable, Hashable, CanonicalCodable {
    /// One peer that may endorse: its organisation and its compressed P-256 public key.
    public struct Endorser: Sendable, Hashable, CanonicalCodable {
        public var organization: String
        public var publicKey: [UInt8]

        public init(organization: String, publicKey: [UInt8]) {
            self.organization = organization
            self.publicKey = publicKey
        }

        public func encode(to writer: inout CanonicalWriter) {
            writer.write(organization)
            writer.writeFixed(publicKey)
        }

        public init(from reader: inout CanonicalReader) throws(CodecError) {
            organization = try reader.readString("endorser.organization")
            publicKey = try reader.readFixed(SigningAccount.publicKeyLength, "endorser.publicKey")
        }
    }

    public var policy: EndorsementPolicy
    /// Every endorsing peer; an endorsement names its endorser by position in this list.
    public var endorsers: [Endorser]

    /// The most endorsers a federation may list (an endorsement's index is a UInt16).
    public static let maximumEndorsers = 1_024

    public init(policy: EndorsementPolicy, endorsers: [Endorser]) {
        precondition(endorsers.count <= Self.maximumEndorsers, "at most \(Self.maximumEndorsers) endorsers")
        self.policy = policy
        self.endorsers = endorsers
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(policy)
        writer.write(endorsers)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        policy = try reader.read()
        endorsers = try reader.readArray("endorsement.endorsers", limit: Self.maximumEndorsers)
    }
}

/// One peer's signature over a simulation's result.
public struct Endorsement: Sendable, Hashable, CanonicalCodable {
    /// The endorser's position in the genesis configuration's endorser list.
    public var endorserIndex: UInt16
    /// Raw P-256 ECDSA signature (r || s) of the response digest.
    public var signature: [UInt8]

    public init(endorserIndex: UInt16, signature: [UInt8]) {
        self.endorserIndex = endorserIndex
        self.signature = signature
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(endorserIndex)
        writer.writeFixed(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        endorserIndex = try reader.readUInt16("endorsement.endorserIndex")
        signature = try reader.readFixed(SigningAccount.signatureLength, "endorsement.signature")
    }
}

/// What an endorser computed for a proposal: the read-write set and the call's output, at the
/// proposal's time. Endorsements agree when these are equal.
public struct SimulationResult: Sendable, Hashable, CanonicalCodable {
    /// The time the client put on its proposal; contracts read it as "now".
    public var timestampMilliseconds: UInt64
    public var readWriteSet: ReadWriteSet
    public var output: ContractOutput

    public init(timestampMilliseconds: UInt64, readWriteSet: ReadWriteSet, output: ContractOutput) {
        self.timestampMilliseconds = timestampMilliseconds
        self.readWriteSet = readWriteSet
        self.output = output
    }

    /// What an endorser signs: the proposal's id and this result, under a domain tag.
    public func responseDigest(for transactionId: Hash256) -> Hash256 {
        var writer = CanonicalWriter(reservingCapacity: 256)
        writer.writeFixed(Self.domainTag)
        writer.write(transactionId)
        encode(to: &writer)
        return Hash256.sha256(writer.bytes)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(timestampMilliseconds)
        writer.write(readWriteSet)
        writer.write(output)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        timestampMilliseconds = try reader.readUInt64("simulation.timestamp")
        readWriteSet = try reader.read()
        output = try reader.read()
    }

    private static let domainTag = Array("vernier-endorsement-v1".utf8)
}

/// The execute-order-validate part of a transaction (Fabric's envelope): the agreed simulation
/// result, the endorsements of it, and the client's signature over all of them.
public struct EndorsedExecution: Sendable, Hashable, CanonicalCodable {
    public var result: SimulationResult
    public var endorsements: [Endorsement]
    /// Raw P-256 ECDSA signature by the proposal's sender of `envelopeDigest`.
    public var clientSignature: [UInt8]

    /// The most endorsements one transaction carries.
    public static let maximumEndorsements = 64

    public init(result: SimulationResult, endorsements: [Endorsement], clientSignature: [UInt8]) {
        self.result = result
        self.endorsements = endorsements
        self.clientSignature = clientSignature
    }

    /// What the client signs: the proposal id, the result, and which peers endorsed it. The
    /// signatures are witnesses outside the digest, as a transaction's own signature is.
    public static func envelopeDigest(transactionId: Hash256, result: SimulationResult, endorsers: [UInt16]) -> Hash256 {
        var writer = CanonicalWriter(reservingCapacity: 256)
        writer.writeFixed(domainTag)
        writer.write(transactionId)
        writer.write(result)
        writer.write(UInt32(endorsers.count))
        for endorser in endorsers { writer.write(endorser) }
        return Hash256.sha256(writer.bytes)
    }

    /// This execution's envelope digest for the proposal `transactionId`.
    public func envelopeDigest(for transactionId: Hash256) -> Hash256 {
        Self.envelopeDigest(transactionId: transactionId, result: result, endorsers: endorsements.map(\.endorserIndex))
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(result)
        writer.write(endorsements)
        writer.writeFixed(clientSignature)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        result = try reader.read()
        endorsements = try reader.readArray("execution.endorsements", limit: Self.maximumEndorsements)
        clientSignature = try reader.readFixed(SigningAccount.signatureLength, "execution.clientSignature")
    }

    private static let domainTag = Array("vernier-envelope-v1".utf8)
}

extension EndorsementConfiguration: Codable {
    private enum CodingKeys: String, CodingKey { case policy, endorsers }
    private enum EndorserKeys: String, CodingKey { case organization, publicKey }

    /// Reads the JSON form: the policy in Fabric's syntax, and each endorser's organisation and
    /// hexadecimal public key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var list = try container.nestedUnkeyedContainer(forKey: .endorsers)
        var endorsers: [Endorser] = []
        while !list.isAtEnd, endorsers.count <= Self.maximumEndorsers {
            let entry = try list.nestedContainer(keyedBy: EndorserKeys.self)
            let organization = try entry.decode(String.self, forKey: .organization)
            let hex = try entry.decode(String.self, forKey: .publicKey)
            guard hex.utf8.count <= 1_024, let key = Hexadecimal.bytes(hex), key.count == SigningAccount.publicKeyLength else {
                throw DecodingError.dataCorruptedError(forKey: .publicKey, in: entry,
                                                       debugDescription: "not a compressed P-256 public key in hexadecimal")
            }
            endorsers.append(Endorser(organization: organization, publicKey: key))
        }
        guard endorsers.count <= Self.maximumEndorsers else {
            throw DecodingError.dataCorruptedError(forKey: .endorsers, in: container,
                                                   debugDescription: "more than \(Self.maximumEndorsers) endorsers")
        }
        var organizations: [String] = []
        for endorser in endorsers where !organizations.contains(endorser.organization) {
            organizations.append(endorser.organization)
        }
        let text = try container.decode(String.self, forKey: .policy)
        do {
            policy = try EndorsementPolicy.parse(text, organizations: organizations)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .policy, in: container,
                                                   debugDescription: "endorsement policy: \(error)")
        }
        self.endorsers = endorsers
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy.description, forKey: .policy)
        var list = container.nestedUnkeyedContainer(forKey: .endorsers)
        for endorser in endorsers {
            var entry = list.nestedContainer(keyedBy: EndorserKeys.self)
            try entry.encode(endorser.organization, forKey: .organization)
            try entry.encode(Hexadecimal.text(endorser.publicKey), forKey: .publicKey)
        }
    }
}
