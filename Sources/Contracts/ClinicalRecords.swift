/// Formats and limits the clinical contract enforces.
public import LedgerPrimitives
enum ClinicalRules {
    /// The longest free-text field (licence, hospital, specialty, dosage), in UTF-8 bytes.
    public static let maximumTextLength = 128
    /// The most audit entries one listing returns (the newest ones).
    public static let maximumAuditEntriesListed = 10_000
    /// ATC prefixes of controlled drugs, which a pharmacy may dispense once per treatment:
    /// opioids, opioid anaesthetics, benzodiazepines, stimulants, opioid-dependence drugs.
    public static let controlledDrugPrefixes = ["N02A", "N01AH", "N05BA", "N05CD", "N06BA", "N07BC"]

    private static let atcAnatomicalGroups = Set("ABCDGHJLMNPRSV".utf8)

    /// An ICD-10 code: a letter, two characters (digit, then digit or letter), and an optional
    /// dot with one to four digits or letters, such as `E11`, `C4A`, `J45.909`.
    public static func isValidDiseaseCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard bytes.count == 3 || (bytes.count >= 5 && bytes.count <= 8) else { return false }
        guard isUpperLetter(bytes[0]), isDigit(bytes[1]), isDigit(bytes[2]) || isUpperLetter(bytes[2]) else {
            return false
        }
        if bytes.count == 3 { return true }
        return bytes[3] == UInt8(ascii: ".") && bytes[4...].allSatisfy { isDigit($0) || isUpperLetter($0) }
    }

    /// A full (level 5) ATC code: anatomical group letter, two digits, two letters, two digits,
    /// such as `N02BE01`.
    public static func isValidDrugCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard bytes.count == 7, atcAnatomicalGroups.contains(bytes[0]) else { return false }
        return isDigit(bytes[1]) && isDigit(bytes[2]) && isUpperLetter(bytes[3]) && isUpperLetter(bytes[4])
            && isDigit(bytes[5]) && isDigit(bytes[6])
    }

    /// True when the ATC code belongs to a controlled class.
    public static func isControlled(drugCode: String) -> Bool {
        controlledDrugPrefixes.contains { drugCode.hasPrefix($0) }
    }

    /// Non-empty, at most `maximumTextLength` bytes, no control characters.
    public static func isValidText(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumTextLength
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isUpperLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
}

/// A registered doctor, as stored.
struct DoctorRecord: Sendable, Hashable, CanonicalCodable {
    public var registration: DoctorRegistration
    public var registeredAtMilliseconds: UInt64

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(registration)
        writer.write(registeredAtMilliseconds)
    }

    public init(registration: DoctorRegistration, registeredAtMilliseconds: UInt64) {
        self.registration = registration
        self.registeredAtMilliseconds = registeredAtMilliseconds
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        registration = try reader.read()
        registeredAtMilliseconds = try reader.readUInt64("doctor.registeredAt")
    }
}

/// A registered pharmacy, as stored.
struct PharmacyRecord: Sendable, Hashable, CanonicalCodable {
    public var registration: PharmacyRegistration
    public var registeredAtMilliseconds: UInt64

    public init(registration: PharmacyRegistration, registeredAtMilliseconds: UInt64) {
        self.registration = registration
        self.registeredAtMilliseconds = registeredAtMilliseconds
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(registration)
        writer.write(registeredAtMilliseconds)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        registration = try reader.read()
        registeredAtMilliseconds = try reader.readUInt64("pharmacy.registeredAt")
    }
}

/// A patient, as stored: only the pseudonym's controlling account, never personal data.
struct PatientRecord: Sendable, Hashable, CanonicalCodable {
    public var controller: Address
    public var registeredAtMilliseconds: UInt64

    public init(controller: Address, registeredAtMilliseconds: UInt64) {
        self.controller = controller
        self.registeredAtMilliseconds = registeredAtMilliseconds
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(controller)
        writer.write(registeredAtMilliseconds)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        controller = try reader.read()
        registeredAtMilliseconds = try reader.readUInt64("patient.registeredAt")
    }
}

/// A permission, as stored; the grant's time and transaction make each version distinct.
struct PermissionRecord: Sendable, Hashable, CanonicalCodable {
    public var validFromMilliseconds: UInt64
    public var validUntilMilliseconds: UInt64
    public var grantedAtMilliseconds: UInt64
    public var grantTransaction: Hash256
    /// When it was revoked; nil while in force.
    public var revokedAtMilliseconds: UInt64?

    public init(
        validFromMilliseconds: UInt64, validUntilMilliseconds: UInt64, grantedAtMilliseconds: UInt64,
        grantTransaction: Hash256, revokedAtMilliseconds: UInt64?
    ) {
        self.validFromMilliseconds = validFromMilliseconds
        self.validUntilMilliseconds = validUntilMilliseconds
        self.grantedAtMilliseconds = grantedAtMilliseconds
        self.grantTransaction = grantTransaction
        self.revokedAtMilliseconds = revokedAtMilliseconds
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(validFromMilliseconds)
        writer.write(validUntilMilliseconds)
        writer.write(grantedAtMilliseconds)
        writer.write(grantTransaction)
        writer.write(revokedAtMilliseconds != nil)
        writer.write(revokedAtMilliseconds ?? 0)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        validFromMilliseconds = try reader.readUInt64("permission.validFrom")
        validUntilMilliseconds = try reader.readUInt64("permission.validUntil")
        grantedAtMilliseconds = try reader.readUInt64("permission.grantedAt")
        grantTransaction = try reader.readHash("permission.grantTransaction")
        let revoked = try reader.readBool("permission.revoked")
        let revokedAt = try reader.readUInt64("permission.revokedAt")
        guard revoked || revokedAt == 0 else {
            throw .invalidValue(field: "permission.revokedAt", reason: "set on a permission that is not revoked")
        }
        revokedAtMilliseconds = revoked ? revokedAt : nil
    }
}

/// A registered treatment, as stored under its transaction's id.
struct TreatmentRecord: Sendable, Hashable, CanonicalCodable {
    public var registration: TreatmentRegistration
    public var doctor: Address
    public var controlled: Bool
    public var registeredAtMilliseconds: UInt64

    public init(registration: TreatmentRegistration, doctor: Address, controlled: Bool, registeredAtMilliseconds: UInt64) {
        self.registration = registration
        self.doctor = doctor
        self.controlled = controlled
        self.registeredAtMilliseconds = registeredAtMilliseconds
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(registration)
        writer.write(doctor)
        writer.write(controlled)
        writer.write(registeredAtMilliseconds)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        registration = try reader.read()
        doctor = try reader.read()
        controlled = try reader.readBool("treatment.controlled")
        registeredAtMilliseconds = try reader.readUInt64("treatment.registeredAt")
    }
}

/// What an access to a patient's records did.
public enum AuditAction: UInt8, Sendable, Hashable, CaseIterable, CanonicalByteEnum {
    case readRecords = 1
    case registerTreatment = 2
    case dispense = 3

    public static let fieldName = "auditAction"
}

/// One access to a patient's records: who, what, when, by which transaction.
public struct AuditEntry: Sendable, Hashable, CanonicalCodable {
    public var accessor: Address
    public var action: AuditAction
    public var category: DataCategory
    public var atMilliseconds: UInt64
    public var transaction: Hash256

    public init(accessor: Address, action: AuditAction, category: DataCategory, atMilliseconds: UInt64, transaction: Hash256) {
        self.accessor = accessor
        self.action = action
        self.category = category
        self.atMilliseconds = atMilliseconds
        self.transaction = transaction
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(accessor)
        writer.write(action)
        writer.write(category)
        writer.write(atMilliseconds)
        writer.write(transaction)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        accessor = try reader.read()
        action = try reader.read()
        category = try reader.read()
        atMilliseconds = try reader.readUInt64("audit.at")
        transaction = try reader.readHash("audit.transaction")
    }
}
