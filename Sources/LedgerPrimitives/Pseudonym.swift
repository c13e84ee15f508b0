/// Identifying data of a patient. It exists only on the client that derives the pseudonym and
/// never enters a transaction, a block or the state.
public struct PatientIdentity: Sendable, Hashable {
    public var socialSecurityNumber: String
    public var birthDate: String
    public var givenNames: String
    public var familyName: String
    public var postalCode: String

    public init(socialSecurityNumber: String, birthDate: String, givenNames: String, familyName: String, postalCode: String) {
        self.socialSecurityNumber = socialSecurityNumber
        self.birthDate = birthDate
        self.givenNames = givenNames
        self.familyName = familyName
        self.postalCode = postalCode
    }
}

/// Derives the on-ledger name of a patient: H(secret || identifying data), computed by the client.
public enum Pseudonym {
    /// SHA-256 of a domain tag, the patient's secret and the identity's fields, each length-prefixed
    /// so that no two identities run together into the same bytes.
    public static func derive(secret: [UInt8], identity: PatientIdentity) -> Hash256 {
        var writer = CanonicalWriter()
        writer.writeFixed(Array("vernier-pseudonym-v1".utf8))
        writer.writeLengthPrefixed(secret)
        for field in [identity.socialSecurityNumber, identity.birthDate, identity.givenNames,
                      identity.familyName, identity.postalCode] {
            writer.writeLengthPrefixed(Array(field.utf8))
        }
        return Hash256.sha256(writer.bytes)
    }
}
