/// The functions of the clinical contract: regulator, doctors, pharmacies, pseudonymous patients.
///
/// The signer of a transaction is the actor: the regulator registers doctors and pharmacies, a
/// patient's controlling account grants and revokes, a doctor registers treatments and reads
/// records, a pharmacy dispenses. No argument carries personal data: a patient is a pseudonym.
public import LedgerPrimitives
public enum ClinicalCall: Sendable, Hashable, CanonicalCodable {
    case registerDoctor(DoctorRegistration)
    case registerPharmacy(PharmacyRegistration)
    /// Registers the pseudonym as a patient controlled by the signer.
    case registerPatient(pseudonym: Hash256)
    case grantPermission(PermissionGrant)
    case revokePermission(PermissionKey)
    case registerTreatment(TreatmentRegistration)
    /// A doctor reads a patient's records of one category; leaves an audit entry.
    case readRecords(patient: Hash256, category: DataCategory)
    /// The patient's controller lists who accessed the patient's records (read-only).
    case listAuditTrail(patient: Hash256)
    /// A pharmacy (the signer) dispenses the drug of a registered treatment.
    case dispense(patient: Hash256, treatment: Hash256)

    public var functionName: String {
        switch self {
        case .registerDoctor: "registerDoctor"
        case .registerPharmacy: "registerPharmacy"
        case .registerPatient: "registerPatient"
        case .grantPermission: "grantPermission"
        case .revokePermission: "revokePermission"
        case .registerTreatment: "registerTreatment"
        case .readRecords: "readRecords"
        case .listAuditTrail: "listAuditTrail"
        case .dispense: "dispense"
        }
    }

    public var isReadOnly: Bool {
        if case .listAuditTrail = self { return true }
        return false
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .registerDoctor(let registration):
            writer.write(UInt8(1))
            writer.write(registration)
        case .registerPharmacy(let registration):
            writer.write(UInt8(2))
            writer.write(registration)
        case .registerPatient(let pseudonym):
            writer.write(UInt8(3))
            writer.write(pseudonym)
        case .grantPermission(let grant):
            writer.write(UInt8(4))
            writer.write(grant)
        case .revokePermission(let key):
            writer.write(UInt8(5))
            writer.write(key)
        case .registerTreatment(let treatment):
            writer.write(UInt8(6))
            writer.write(treatment)
        case .readRecords(let patient, let category):
            writer.write(UInt8(7))
            writer.write(patient)
            writer.write(category)
        case .listAuditTrail(let patient):
            writer.write(UInt8(8))
            writer.write(patient)
        case .dispense(let patient, let treatment):
            writer.write(UInt8(9))
            writer.write(patient)
            writer.write(treatment)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("clinical.function") {
        case 1: self = .registerDoctor(try reader.read())
        case 2: self = .registerPharmacy(try reader.read())
        case 3: self = .registerPatient(pseudonym: try reader.readHash("clinical.registerPatient.pseudonym"))
        case 4: self = .grantPermission(try reader.read())
        case 5: self = .revokePermission(try reader.read())
        case 6: self = .registerTreatment(try reader.read())
        case 7:
            self = .readRecords(patient: try reader.readHash("clinical.readRecords.patient"),
                                category: try reader.read())
        case 8: self = .listAuditTrail(patient: try reader.readHash("clinical.listAuditTrail.patient"))
        case 9:
            self = .dispense(patient: try reader.readHash("clinical.dispense.patient"),
                             treatment: try reader.readHash("clinical.dispense.treatment"))
        case let tag: throw .unknownTag(field: "clinical.function", tag: tag)
        }
    }
}

/// A category of clinical data that a permission covers.
public enum DataCategory: UInt8, Sendable, Hashable, CaseIterable, CanonicalByteEnum {
    case historyAndPhysical = 1
    case laboratoryResults = 2
    case radiationDoses = 3
    case treatments = 4

    public static let fieldName = "dataCategory"
}

/// What a permission lets a doctor do with a category.
public enum AccessRight: UInt8, Sendable, Hashable, CaseIterable, CanonicalByteEnum {
    case read = 1
    case write = 2
    /// Share with a study, which a research centre may then read.
    case share = 3

    public static let fieldName = "accessRight"
}

/// How a drug is given.
public enum AdministrationRoute: UInt8, Sendable, Hashable, CaseIterable, CanonicalByteEnum {
    case oral = 1
    case intravenous = 2
    case intramuscular = 3
    case subcutaneous = 4
    case topical = 5
    case inhalation = 6
    case rectal = 7
    case sublingual = 8

    public static let fieldName = "route"
}

/// The regulator registers a doctor's account with professional (not personal) data.
public struct DoctorRegistration: Sendable, Hashable, CanonicalCodable {
    public var doctor: Address
    /// The professional licence number.
    public var licence: String
    public var hospital: String
    public var specialty: String

    public init(doctor: Address, licence: String, hospital: String, specialty: String) {
        self.doctor = doctor
        self.licence = licence
        self.hospital = hospital
        self.specialty = specialty
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(doctor)
        writer.write(licence)
        writer.write(hospital)
        writer.write(specialty)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        doctor = try reader.read()
        licence = try reader.readString("doctor.licence", limit: ClinicalRules.maximumTextLength)
        hospital = try reader.readString("doctor.hospital", limit: ClinicalRules.maximumTextLength)
        specialty = try reader.readString("doctor.specialty", limit: ClinicalRules.maximumTextLength)
    }
}

/// The regulator registers a pharmacy's account.
public struct PharmacyRegistration: Sendable, Hashable, CanonicalCodable {
    public var pharmacy: Address
    public var licence: String

    public init(pharmacy: Address, licence: String) {
        self.pharmacy = pharmacy
        self.licence = licence
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(pharmacy)
        writer.write(licence)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        pharmacy = try reader.read()
        licence = try reader.readString("pharmacy.licence", limit: ClinicalRules.maximumTextLength)
    }
}

/// Names one permission: patient, doctor, category and right.
public struct PermissionKey: Sendable, Hashable, CanonicalCodable {
    public var patient: Hash256
    public var doctor: Address
    public var category: DataCategory
    public var right: AccessRight

    public init(patient: Hash256, doctor: Address, category: DataCategory, right: AccessRight) {
        self.patient = patient
        self.doctor = doctor
        self.category = category
        self.right = right
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(patient)
        writer.write(doctor)
        writer.write(category)
        writer.write(right)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        patient = try reader.readHash("permission.patient")
        doctor = try reader.read()
        category = try reader.read()
        right = try reader.read()
    }
}

/// A patient grants a doctor a right over a category for the window [validFrom, validUntil).
public struct PermissionGrant: Sendable, Hashable, CanonicalCodable {
    public var key: PermissionKey
    public var validFromMilliseconds: UInt64
    public var validUntilMilliseconds: UInt64

    public init(key: PermissionKey, validFromMilliseconds: UInt64, validUntilMilliseconds: UInt64) {
        self.key = key
        self.validFromMilliseconds = validFromMilliseconds
        self.validUntilMilliseconds = validUntilMilliseconds
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(key)
        writer.write(validFromMilliseconds)
        writer.write(validUntilMilliseconds)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        key = try reader.read()
        validFromMilliseconds = try reader.readUInt64("permission.validFrom")
        validUntilMilliseconds = try reader.readUInt64("permission.validUntil")
    }
}

/// A doctor (the signer) registers a treatment of a patient.
public struct TreatmentRegistration: Sendable, Hashable, CanonicalCodable {
    public var patient: Hash256
    /// ICD-10 code of the disease, such as `J45.909`.
    public var diseaseCode: String
    /// ATC code of the drug, such as `N02BE01`.
    public var drugCode: String
    /// Dose and frequency, such as `500 mg every 8 h`.
    public var dosage: String
    public var route: AdministrationRoute
    public var examDateMilliseconds: UInt64
    /// SHA-256 of the off-ledger clinical document.
    public var documentHash: Hash256

    public init(
        patient: Hash256, diseaseCode: String, drugCode: String, dosage: String,
        route: AdministrationRoute, examDateMilliseconds: UInt64, documentHash: Hash256
    ) {
        self.patient = patient
        self.diseaseCode = diseaseCode
        self.drugCode = drugCode
        self.dosage = dosage
        self.route = route
        self.examDateMilliseconds = examDateMilliseconds
        self.documentHash = documentHash
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(patient)
        writer.write(diseaseCode)
        writer.write(drugCode)
        writer.write(dosage)
        writer.write(route)
        writer.write(examDateMilliseconds)
        writer.write(documentHash)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let limit = ClinicalRules.maximumTextLength
        patient = try reader.readHash("treatment.patient")
        diseaseCode = try reader.readString("treatment.diseaseCode", limit: limit)
        drugCode = try reader.readString("treatment.drugCode", limit: limit)
        dosage = try reader.readString("treatment.dosage", limit: limit)
        route = try reader.read()
        examDateMilliseconds = try reader.readUInt64("treatment.examDate")
        documentHash = try reader.readHash("treatment.documentHash")
    }
}
