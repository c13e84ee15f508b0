import Testing
@testable import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// A federation with a registered doctor, pharmacy and two patients, at `start`.
struct Clinic {
    static let start: UInt64 = 1_700_000_000_000
    static let hour: UInt64 = 3_600_000

    var harness = LedgerHarness()
    var regulator: SigningAccount { harness.regulator }
    let doctor = LedgerHarness.account(1)
    let pharmacy = LedgerHarness.account(2)
    /// Controls `patient`.
    let patientAccount = LedgerHarness.account(3)
    let stranger = LedgerHarness.account(4)
    /// Never registered by the regulator.
    let unregisteredDoctor = LedgerHarness.account(5)
    /// Controls `otherPatient`.
    let otherPatientAccount = LedgerHarness.account(6)
    let secondDoctor = LedgerHarness.account(7)

    let patient = Pseudonym.derive(secret: Array("patient-secret".utf8), identity: PatientIdentity(
        socialSecurityNumber: "078-05-1120", birthDate: "1970-01-01", givenNames: "Ada",
        familyName: "Lovelace", postalCode: "02139"))
    let otherPatient = Pseudonym.derive(secret: Array("other-secret".utf8), identity: PatientIdentity(
        socialSecurityNumber: "219-09-9999", birthDate: "1980-02-29", givenNames: "Alan",
        familyName: "Turing", postalCode: "10115"))

    init() throws {
        let codes = try harness.submit([
            (regulator, .clinical(.registerDoctor(Self.doctorRegistration(doctor)))),
            (regulator, .clinical(.registerDoctor(Self.doctorRegistration(secondDoctor)))),
            (regulator, .clinical(.registerPharmacy(PharmacyRegistration(pharmacy: pharmacy.address, licence: "PH-1")))),
            (patientAccount, .clinical(.registerPatient(pseudonym: patient))),
            (otherPatientAccount, .clinical(.registerPatient(pseudonym: otherPatient))),
        ], atMilliseconds: Self.start)
        #expect(codes == [ValidationCode](repeating: .valid, count: 5), "clinic setup")
    }

    static func doctorRegistration(
        _ account: SigningAccount, licence: String = "MD-12345", hospital: String = "General Hospital",
        specialty: String = "Pulmonology"
    ) -> DoctorRegistration {
        DoctorRegistration(doctor: account.address, licence: licence, hospital: hospital, specialty: specialty)
    }

    func permission(
        _ right: AccessRight, _ category: DataCategory = .treatments, doctor: SigningAccount? = nil,
        patient: Hash256? = nil
    ) -> PermissionKey {
        PermissionKey(patient: patient ?? self.patient, doctor: (doctor ?? self.doctor).address,
                      category: category, right: right)
    }

    /// The patient grants `doctor` a right for [from, until) in a block at `now`.
    @discardableResult
    mutating func grant(
        _ right: AccessRight, _ category: DataCategory = .treatments, doctor: SigningAccount? = nil,
        from: UInt64 = start, until: UInt64 = start + 24 * hour, atMilliseconds now: UInt64 = start
    ) throws -> ValidationCode {
        let key = permission(right, category, doctor: doctor)
        return try harness.submit(patientAccount, .clinical(.grantPermission(PermissionGrant(
            key: key, validFromMilliseconds: from, validUntilMilliseconds: until))), atMilliseconds: now)
    }

    func treatment(
        patient: Hash256? = nil, disease: String = "J45.909", drug: String = "N02BE01",
        dosage: String = "500 mg every 8 h", examDate: UInt64 = start
    ) -> TreatmentRegistration {
        TreatmentRegistration(patient: patient ?? self.patient, diseaseCode: disease, drugCode: drug, dosage: dosage,
                              route: .oral, examDateMilliseconds: examDate,
                              documentHash: Hash256.sha256(Array("discharge letter".utf8)))
    }

    /// Registers a treatment signed by `doctor` (default: the registered doctor); returns its
    /// code and id (the transaction id).
    @discardableResult
    mutating func registerTreatment(
        _ treatment: TreatmentRegistration, by doctor: SigningAccount? = nil, atMilliseconds now: UInt64
    ) throws -> (code: ValidationCode, id: Hash256) {
        let transaction = harness.transaction(doctor ?? self.doctor, .clinical(.registerTreatment(treatment)))
        let codes = try harness.apply([transaction], atMilliseconds: now)
        return (codes[0], transaction.id)
    }

    func auditTrail(as account: SigningAccount, patient: Hash256? = nil) -> Result<ContractOutput, ContractError> {
        harness.evaluate(.clinical(.listAuditTrail(patient: patient ?? self.patient)), as: account)
    }
}

@Suite struct ClinicalRegistrationTests {
    @Test func onlyTheRegulatorRegistersDoctorsAndPharmacies() throws {
        var clinic = try Clinic()
        let newcomer = LedgerHarness.account(20)
        for sender in [clinic.doctor, clinic.pharmacy, clinic.patientAccount, newcomer] {
            #expect(try clinic.harness.submit(sender, .clinical(.registerDoctor(Clinic.doctorRegistration(newcomer))),
                                              atMilliseconds: Clinic.start + 1) == .contractError(.notRegulator))
            #expect(try clinic.harness.submit(sender, .clinical(.registerPharmacy(
                PharmacyRegistration(pharmacy: newcomer.address, licence: "PH-9"))),
                                              atMilliseconds: Clinic.start + 1) == .contractError(.notRegulator))
        }
        // Nothing was registered: the regulator can still register the newcomer.
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerDoctor(Clinic.doctorRegistration(newcomer))),
                                          atMilliseconds: Clinic.start + 2) == .valid)
        let record = clinic.harness.record(StateKey(.doctor, newcomer.address.hash.bytes), as: DoctorRecord.self)
        #expect(record == DoctorRecord(registration: Clinic.doctorRegistration(newcomer),
                                       registeredAtMilliseconds: Clinic.start + 2))
    }

    @Test func registeringTwiceIsRefused() throws {
        var clinic = try Clinic()
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerDoctor(
            Clinic.doctorRegistration(clinic.doctor, licence: "MD-2"))), atMilliseconds: Clinic.start + 1)
            == .contractError(.doctorAlreadyRegistered))
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerPharmacy(
            PharmacyRegistration(pharmacy: clinic.pharmacy.address, licence: "PH-2"))), atMilliseconds: Clinic.start + 1)
            == .contractError(.pharmacyAlreadyRegistered))
        // The first registration is kept.
        let record = clinic.harness.record(StateKey(.doctor, clinic.doctor.address.hash.bytes), as: DoctorRecord.self)
        #expect(record?.registration.licence == "MD-12345")
    }

    @Test func oneAccountCannotBeDoctorAndPharmacy() throws {
        var clinic = try Clinic()
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerPharmacy(
            PharmacyRegistration(pharmacy: clinic.doctor.address, licence: "PH-3"))), atMilliseconds: Clinic.start + 1)
            == .contractError(.roleConflict))
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerDoctor(
            Clinic.doctorRegistration(clinic.pharmacy))), atMilliseconds: Clinic.start + 1)
            == .contractError(.roleConflict))
    }

    static let longestText = String(repeating: "a", count: ClinicalRules.maximumTextLength)
    /// A free-text argument, shown escaped so control characters stay out of the test log.
    struct Text: Sendable, CustomTestStringConvertible {
        var value: String
        var testDescription: String { "\(value.debugDescription) (\(value.utf8.count) bytes)" }
    }

    static let invalidTexts = [
        "", "MD\u{0}1", "line\nbreak", "tab\there", "bell\u{7}", "del\u{7F}", "c1\u{85}",
        String(repeating: "a", count: ClinicalRules.maximumTextLength + 1),
        String(repeating: "é", count: ClinicalRules.maximumTextLength / 2 + 1),
    ].map(Text.init)

    @Test(arguments: invalidTexts)
    func invalidDoctorTextIsRefused(invalid: Text) throws {
        let text = invalid.value
        var clinic = try Clinic()
        let newcomer = LedgerHarness.account(20)
        for registration in [
            Clinic.doctorRegistration(newcomer, licence: text),
            Clinic.doctorRegistration(newcomer, hospital: text),
            Clinic.doctorRegistration(newcomer, specialty: text),
        ] {
            #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerDoctor(registration)),
                                              atMilliseconds: Clinic.start + 1) == .contractError(.invalidText))
        }
        #expect(try clinic.harness.submit(clinic.regulator, .clinical(.registerPharmacy(
            PharmacyRegistration(pharmacy: newcomer.address, licence: text))), atMilliseconds: Clinic.start + 1)
            == .contractError(.invalidText))
    }

    @Test(arguments: [longestText, String(repeating: "é", count: ClinicalRules.maximumTextLength / 2), "Dr. Müller-Lüdenscheidt 🩺"])
    func validTextIsAccepted(text: String) throws {
        var clinic = try Clinic()
        let newcomer = LedgerHarness.account(20)
        let pharmacy = LedgerHarness.account(21)
        #expect(try clinic.harness.submit([
            (clinic.regulator, .clinical(.registerDoctor(Clinic.doctorRegistration(newcomer, licence: text, hospital: text,
                                                                                   specialty: text)))),
            (clinic.regulator, .clinical(.registerPharmacy(PharmacyRegistration(pharmacy: pharmacy.address, licence: text)))),
        ], atMilliseconds: Clinic.start + 1) == [.valid, .valid])
    }

    @Test func aPseudonymIsRegisteredOnce() throws {
        var clinic = try Clinic()
        #expect(try clinic.harness.submit(clinic.patientAccount, .clinical(.registerPatient(pseudonym: clinic.patient)),
                                          atMilliseconds: Clinic.start + 1) == .contractError(.patientAlreadyRegistered))
        #expect(try clinic.harness.submit(clinic.stranger, .clinical(.registerPatient(pseudonym: clinic.patient)),
                                          atMilliseconds: Clinic.start + 1) == .contractError(.patientAlreadyRegistered))
        let record = clinic.harness.record(StateKey(.patient, clinic.patient.bytes), as: PatientRecord.self)
        #expect(record == PatientRecord(controller: clinic.patientAccount.address, registeredAtMilliseconds: Clinic.start))
    }
}

@Suite struct ClinicalPermissionTests {
    @Test func grantingNeedsARegisteredPatientItsControllerAndARegisteredDoctor() throws {
        var clinic = try Clinic()
        let unknown = Hash256.sha256(Array("nobody".utf8))
        let grant = { (patient: Hash256, doctor: SigningAccount) in
            ContractCall.clinical(.grantPermission(PermissionGrant(
                key: PermissionKey(patient: patient, doctor: doctor.address, category: .treatments, right: .write),
                validFromMilliseconds: Clinic.start, validUntilMilliseconds: Clinic.start + Clinic.hour)))
        }
        let now = Clinic.start + 1
        #expect(try clinic.harness.submit(clinic.patientAccount, grant(unknown, clinic.doctor), atMilliseconds: now)
            == .contractError(.patientNotRegistered))
        for someoneElse in [clinic.stranger, clinic.doctor, clinic.regulator, clinic.otherPatientAccount] {
            #expect(try clinic.harness.submit(someoneElse, grant(clinic.patient, clinic.doctor), atMilliseconds: now)
                == .contractError(.notPatientController))
        }
        for notADoctor in [clinic.unregisteredDoctor, clinic.pharmacy, clinic.patientAccount] {
            #expect(try clinic.harness.submit(clinic.patientAccount, grant(clinic.patient, notADoctor), atMilliseconds: now)
                == .contractError(.doctorNotRegistered))
        }
        #expect(try clinic.harness.submit(clinic.patientAccount, grant(clinic.patient, clinic.doctor), atMilliseconds: now)
            == .valid)
    }

    @Test(arguments: [(Clinic.start, Clinic.start), (Clinic.start + 1, Clinic.start), (UInt64.max, UInt64(0))])
    func anEmptyWindowIsRefused(from: UInt64, until: UInt64) throws {
        var clinic = try Clinic()
        #expect(try clinic.grant(.write, from: from, until: until, atMilliseconds: Clinic.start + 1)
            == .contractError(.invalidPermissionWindow))
        // Nothing was stored: revoking finds no permission.
        #expect(try clinic.harness.submit(clinic.patientAccount, .clinical(.revokePermission(clinic.permission(.write))),
                                          atMilliseconds: Clinic.start + 2) == .contractError(.permissionMissing))
    }

    @Test func revokingNeedsTheControllerAndAnUnrevokedPermission() throws {
        var clinic = try Clinic()
        let revoke = ContractCall.clinical(.revokePermission(clinic.permission(.write)))
        #expect(try clinic.harness.submit(clinic.patientAccount, revoke, atMilliseconds: Clinic.start + 1)
            == .contractError(.permissionMissing))
        try clinic.grant(.write, atMilliseconds: Clinic.start + 1)
        #expect(try clinic.harness.submit(clinic.doctor, revoke, atMilliseconds: Clinic.start + 2)
            == .contractError(.notPatientController))
        #expect(try clinic.harness.submit(clinic.patientAccount, revoke, atMilliseconds: Clinic.start + 3) == .valid)
        #expect(try clinic.harness.submit(clinic.patientAccount, revoke, atMilliseconds: Clinic.start + 4)
            == .contractError(.permissionRevoked))
        let unknown = PermissionKey(patient: Hash256.sha256(Array("nobody".utf8)), doctor: clinic.doctor.address,
                                    category: .treatments, right: .write)
        #expect(try clinic.harness.submit(clinic.patientAccount, .clinical(.revokePermission(unknown)),
                                          atMilliseconds: Clinic.start + 5) == .contractError(.patientNotRegistered))
    }

    @Test func aRevokedPermissionNoLongerHoldsAndANewGrantRestoresIt() throws {
        var clinic = try Clinic()
        try clinic.grant(.write, from: Clinic.start, until: Clinic.start + 10 * Clinic.hour)
        #expect(try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 1).code == .valid)
        #expect(try clinic.harness.submit(clinic.patientAccount, .clinical(.revokePermission(clinic.permission(.write))),
                                          atMilliseconds: Clinic.start + 2) == .valid)
        #expect(try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 3).code
            == .contractError(.permissionRevoked))
        let record = clinic.harness.record(StateKey(.permission, clinic.patient.bytes, clinic.doctor.address.hash.bytes,
                                                    [DataCategory.treatments.rawValue, AccessRight.write.rawValue]),
                                           as: PermissionRecord.self)
        #expect(record?.revokedAtMilliseconds == Clinic.start + 2)
        #expect(record?.grantedAtMilliseconds == Clinic.start)
        // A new grant replaces the revoked one.
        #expect(try clinic.grant(.write, atMilliseconds: Clinic.start + 4) == .valid)
        #expect(try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 5).code == .valid)
    }

    struct WindowCase: Sendable, CustomTestStringConvertible {
        var label: String
        var nowMilliseconds: UInt64
        var expected: ValidationCode
        var testDescription: String { label }
    }

    static let validFrom = Clinic.start + Clinic.hour
    static let validUntil = Clinic.start + 3 * Clinic.hour

    @Test(arguments: [
        WindowCase(label: "before", nowMilliseconds: validFrom - 1, expected: .contractError(.permissionNotYetValid)),
        WindowCase(label: "long before", nowMilliseconds: Clinic.start + 1, expected: .contractError(.permissionNotYetValid)),
        WindowCase(label: "exactly at validFrom", nowMilliseconds: validFrom, expected: .valid),
        WindowCase(label: "inside", nowMilliseconds: validFrom + Clinic.hour, expected: .valid),
        WindowCase(label: "last millisecond", nowMilliseconds: validUntil - 1, expected: .valid),
        WindowCase(label: "exactly at validUntil", nowMilliseconds: validUntil, expected: .contractError(.permissionExpired)),
        WindowCase(label: "after", nowMilliseconds: validUntil + 24 * Clinic.hour, expected: .contractError(.permissionExpired)),
    ])
    func aPermissionHoldsInsideItsWindowOnly(window: WindowCase) throws {
        let now = window.nowMilliseconds
        var clinic = try Clinic()
        try clinic.grant(.write, from: Self.validFrom, until: Self.validUntil, atMilliseconds: Clinic.start)
        try clinic.grant(.read, from: Self.validFrom, until: Self.validUntil, atMilliseconds: Clinic.start)
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: Clinic.start), atMilliseconds: now).code
            == window.expected)
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(patient: clinic.patient, category: .treatments)),
                                          atMilliseconds: now) == window.expected)
    }

    /// Block times never run backwards, so "every time" means every time from the revocation on.
    @Test(arguments: [Clinic.start + 1, validFrom, validFrom + 1, validUntil - 1, validUntil])
    func aRevokedPermissionIsRevokedAtEveryTime(now: UInt64) throws {
        var clinic = try Clinic()
        try clinic.grant(.write, from: Self.validFrom, until: Self.validUntil, atMilliseconds: Clinic.start)
        try clinic.harness.submit(clinic.patientAccount, .clinical(.revokePermission(clinic.permission(.write))),
                                  atMilliseconds: Clinic.start + 1)
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: 0), atMilliseconds: now).code
            == .contractError(.permissionRevoked))
    }

    @Test func writeDoesNotGrantReadAndReadDoesNotGrantWrite() throws {
        var clinic = try Clinic()
        let read = ContractCall.clinical(.readRecords(patient: clinic.patient, category: .treatments))
        try clinic.grant(.write)
        #expect(try clinic.harness.submit(clinic.doctor, read, atMilliseconds: Clinic.start + 1)
            == .contractError(.permissionMissing))

        var other = try Clinic()
        try other.grant(.read)
        #expect(try other.registerTreatment(other.treatment(), atMilliseconds: Clinic.start + 1).code
            == .contractError(.permissionMissing))
        #expect(try other.harness.submit(other.doctor, read, atMilliseconds: Clinic.start + 1) == .valid)

        // Share grants neither.
        var sharing = try Clinic()
        try sharing.grant(.share)
        #expect(try sharing.registerTreatment(sharing.treatment(), atMilliseconds: Clinic.start + 1).code
            == .contractError(.permissionMissing))
        #expect(try sharing.harness.submit(sharing.doctor, read, atMilliseconds: Clinic.start + 1)
            == .contractError(.permissionMissing))
    }

    @Test func aPermissionCoversOneCategoryOneDoctorAndOnePatient() throws {
        var clinic = try Clinic()
        try clinic.grant(.read, .laboratoryResults)
        let now = Clinic.start + 1
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(patient: clinic.patient, category: .treatments)),
                                          atMilliseconds: now) == .contractError(.permissionMissing))
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(patient: clinic.patient,
                                                                                category: .laboratoryResults)),
                                          atMilliseconds: now) == .valid)
        #expect(try clinic.harness.submit(clinic.secondDoctor, .clinical(.readRecords(patient: clinic.patient,
                                                                                      category: .laboratoryResults)),
                                          atMilliseconds: now) == .contractError(.permissionMissing))
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(patient: clinic.otherPatient,
                                                                                category: .laboratoryResults)),
                                          atMilliseconds: now) == .contractError(.permissionMissing))
    }
}

@Suite struct ClinicalTreatmentTests {
    @Test func onlyARegisteredDoctorRegistersTreatmentsOfARegisteredPatient() throws {
        var clinic = try Clinic()
        try clinic.grant(.write)
        let now = Clinic.start + 1
        for notADoctor in [clinic.unregisteredDoctor, clinic.pharmacy, clinic.patientAccount, clinic.regulator] {
            #expect(try clinic.registerTreatment(clinic.treatment(), by: notADoctor, atMilliseconds: now).code
                == .contractError(.doctorNotRegistered))
        }
        #expect(try clinic.registerTreatment(clinic.treatment(patient: Hash256.sha256(Array("nobody".utf8))),
                                             atMilliseconds: now).code == .contractError(.patientNotRegistered))
        #expect(try clinic.registerTreatment(clinic.treatment(), by: clinic.secondDoctor, atMilliseconds: now).code
            == .contractError(.permissionMissing))
        #expect(try clinic.registerTreatment(clinic.treatment(patient: clinic.otherPatient), atMilliseconds: now).code
            == .contractError(.permissionMissing))
    }

    @Test func aRegisteredTreatmentIsStoredUnderItsTransaction() throws {
        var clinic = try Clinic()
        try clinic.grant(.write)
        let now = Clinic.start + 5
        let treatment = clinic.treatment(drug: "N02AA01")
        let expectedId = clinic.harness.simulate(.clinical(.registerTreatment(treatment)), as: clinic.doctor,
                                                 atMilliseconds: now, transactionId: Hash256.sha256([1]))
        #expect(expectedId == .success(.treatment(Hash256.sha256([1]))))
        let (code, id) = try clinic.registerTreatment(treatment, atMilliseconds: now)
        #expect(code == .valid)
        let record = clinic.harness.record(StateKey(.treatment, id.bytes), as: TreatmentRecord.self)
        #expect(record == TreatmentRecord(registration: treatment, doctor: clinic.doctor.address, controlled: true,
                                          registeredAtMilliseconds: now))
    }

    @Test(arguments: ["J4", "j45", "J45.", "J45.12345", "145", "", "JA5", "J45X", "J45-9", "J45..9", "J45.9a", "Ј45"])
    func malformedDiseaseCodesAreRefused(code: String) throws {
        #expect(!ClinicalRules.isValidDiseaseCode(code))
        var clinic = try Clinic()
        try clinic.grant(.write)
        #expect(try clinic.registerTreatment(clinic.treatment(disease: code), atMilliseconds: Clinic.start + 1).code
            == .contractError(.invalidDiseaseCode))
    }

    @Test(arguments: ["E11", "C4A", "J45.909", "J45.9", "S72.001A", "Z99.8", "J4A"])
    func wellFormedDiseaseCodesAreAccepted(code: String) throws {
        #expect(ClinicalRules.isValidDiseaseCode(code))
        var clinic = try Clinic()
        try clinic.grant(.write)
        #expect(try clinic.registerTreatment(clinic.treatment(disease: code), atMilliseconds: Clinic.start + 1).code == .valid)
    }

    @Test(arguments: ["N02BE1", "X02BE01", "n02be01", "N02BE011", "N0ABE01", "N02B101", "", "N02BE0A", "E02BE01"])
    func malformedDrugCodesAreRefused(code: String) throws {
        #expect(!ClinicalRules.isValidDrugCode(code))
        var clinic = try Clinic()
        try clinic.grant(.write)
        #expect(try clinic.registerTreatment(clinic.treatment(drug: code), atMilliseconds: Clinic.start + 1).code
            == .contractError(.invalidDrugCode))
    }

    @Test(arguments: ["N02BE01", "N02AA01", "A10BA02", "R03AC02", "J01CA04"])
    func wellFormedDrugCodesAreAccepted(code: String) throws {
        #expect(ClinicalRules.isValidDrugCode(code))
        var clinic = try Clinic()
        try clinic.grant(.write)
        #expect(try clinic.registerTreatment(clinic.treatment(drug: code), atMilliseconds: Clinic.start + 1).code == .valid)
    }

    @Test(arguments: ClinicalRegistrationTests.invalidTexts)
    func invalidDosageIsRefused(invalid: ClinicalRegistrationTests.Text) throws {
        let dosage = invalid.value
        var clinic = try Clinic()
        try clinic.grant(.write)
        #expect(try clinic.registerTreatment(clinic.treatment(dosage: dosage), atMilliseconds: Clinic.start + 1).code
            == .contractError(.invalidDosage))
    }

    @Test func anExamDateInTheFutureIsRefused() throws {
        var clinic = try Clinic()
        try clinic.grant(.write)
        let now = Clinic.start + Clinic.hour
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: now + 1), atMilliseconds: now).code
            == .contractError(.examDateInFuture))
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: .max), atMilliseconds: now).code
            == .contractError(.examDateInFuture))
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: now), atMilliseconds: now).code == .valid)
        #expect(try clinic.registerTreatment(clinic.treatment(examDate: 0), atMilliseconds: now).code == .valid)
    }

    @Test func readingCountsTreatmentsAndLeavesAnAuditEntry() throws {
        var clinic = try Clinic()
        try clinic.grant(.write)
        try clinic.grant(.read)
        try clinic.grant(.read, .laboratoryResults)
        let read = ContractCall.clinical(.readRecords(patient: clinic.patient, category: .treatments))
        #expect(clinic.harness.simulate(read, as: clinic.doctor, atMilliseconds: Clinic.start + 1) == .success(.recordCount(0)))
        let first = try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 10)
        // A refused treatment is not counted.
        let refused = try clinic.registerTreatment(clinic.treatment(drug: "bad"), atMilliseconds: Clinic.start + 20)
        let second = try clinic.registerTreatment(clinic.treatment(disease: "E11"), atMilliseconds: Clinic.start + 30)
        #expect([first.code, refused.code, second.code] == [.valid, .contractError(.invalidDrugCode), .valid])
        #expect(clinic.harness.simulate(read, as: clinic.doctor, atMilliseconds: Clinic.start + 40) == .success(.recordCount(2)))
        #expect(clinic.harness.simulate(.clinical(.readRecords(patient: clinic.patient, category: .laboratoryResults)),
                                        as: clinic.doctor, atMilliseconds: Clinic.start + 40) == .success(.recordCount(0)))

        let readTransaction = clinic.harness.transaction(clinic.doctor, read)
        #expect(try clinic.harness.apply([readTransaction], atMilliseconds: Clinic.start + 50) == [.valid])
        let expected = [
            AuditEntry(accessor: clinic.doctor.address, action: .registerTreatment, category: .treatments,
                       atMilliseconds: Clinic.start + 10, transaction: first.id),
            AuditEntry(accessor: clinic.doctor.address, action: .registerTreatment, category: .treatments,
                       atMilliseconds: Clinic.start + 30, transaction: second.id),
            AuditEntry(accessor: clinic.doctor.address, action: .readRecords, category: .treatments,
                       atMilliseconds: Clinic.start + 50, transaction: readTransaction.id),
        ]
        #expect(clinic.auditTrail(as: clinic.patientAccount) == .success(.auditTrail(expected)))
    }

    @Test func readingNeedsARegisteredDoctorAndPatient() throws {
        var clinic = try Clinic()
        try clinic.grant(.read)
        let now = Clinic.start + 1
        #expect(try clinic.harness.submit(clinic.unregisteredDoctor, .clinical(.readRecords(patient: clinic.patient,
                                                                                            category: .treatments)),
                                          atMilliseconds: now) == .contractError(.doctorNotRegistered))
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(
            patient: Hash256.sha256(Array("nobody".utf8)), category: .treatments)), atMilliseconds: now)
            == .contractError(.patientNotRegistered))
        // Refused reads leave no audit entry.
        #expect(clinic.auditTrail(as: clinic.patientAccount) == .success(.auditTrail([])))
    }
}

@Suite struct ClinicalAuditTests {
    @Test func theAuditTrailListsEveryAccessInOrderForControllerAndRegulator() throws {
        var clinic = try Clinic()
        try clinic.grant(.write)
        try clinic.grant(.read, .radiationDoses)
        let treatment = try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 100)
        let read = clinic.harness.transaction(clinic.doctor, .clinical(.readRecords(patient: clinic.patient,
                                                                                     category: .radiationDoses)))
        let dispense = clinic.harness.transaction(clinic.pharmacy, .clinical(.dispense(patient: clinic.patient,
                                                                                        treatment: treatment.id)))
        // Two accesses in one block keep their order in the block.
        #expect(try clinic.harness.apply([read, dispense], atMilliseconds: Clinic.start + 200) == [.valid, .valid])
        // Another patient's accesses do not appear.
        try clinic.harness.submit(clinic.otherPatientAccount, .clinical(.grantPermission(PermissionGrant(
            key: clinic.permission(.read, patient: clinic.otherPatient), validFromMilliseconds: 0,
            validUntilMilliseconds: .max))), atMilliseconds: Clinic.start + 300)
        #expect(try clinic.harness.submit(clinic.doctor, .clinical(.readRecords(patient: clinic.otherPatient,
                                                                                category: .treatments)),
                                          atMilliseconds: Clinic.start + 300) == .valid)

        let expected: [AuditEntry] = [
            AuditEntry(accessor: clinic.doctor.address, action: .registerTreatment, category: .treatments,
                       atMilliseconds: Clinic.start + 100, transaction: treatment.id),
            AuditEntry(accessor: clinic.doctor.address, action: .readRecords, category: .radiationDoses,
                       atMilliseconds: Clinic.start + 200, transaction: read.id),
            AuditEntry(accessor: clinic.pharmacy.address, action: .dispense, category: .treatments,
                       atMilliseconds: Clinic.start + 200, transaction: dispense.id),
        ]
        #expect(clinic.auditTrail(as: clinic.patientAccount) == .success(.auditTrail(expected)))
        #expect(clinic.auditTrail(as: clinic.regulator) == .success(.auditTrail(expected)))
        #expect(clinic.auditTrail(as: clinic.otherPatientAccount, patient: clinic.otherPatient)
            == .success(.auditTrail([AuditEntry(accessor: clinic.doctor.address, action: .readRecords,
                                                category: .treatments, atMilliseconds: Clinic.start + 300,
                                                transaction: clinic.harness.appliedBlocks.last!.transactions[0].id)])))
    }

    @Test func onlyTheControllerAndTheRegulatorListTheAuditTrail() throws {
        let clinic = try Clinic()
        for someoneElse in [clinic.doctor, clinic.pharmacy, clinic.stranger, clinic.otherPatientAccount] {
            #expect(clinic.auditTrail(as: someoneElse) == .failure(.notPatientController))
        }
        #expect(clinic.auditTrail(as: clinic.patientAccount) == .success(.auditTrail([])))
        #expect(clinic.auditTrail(as: clinic.regulator, patient: Hash256.sha256(Array("nobody".utf8)))
            == .failure(.patientNotRegistered))
    }

    @Test func listingTheAuditTrailWritesNothing() throws {
        var clinic = try Clinic()
        let digest = clinic.harness.ledger.state.digest
        _ = clinic.auditTrail(as: clinic.patientAccount)
        #expect(clinic.harness.ledger.state.digest == digest)
        // Ordered as a transaction it is valid and leaves no audit entry either.
        #expect(try clinic.harness.submit(clinic.patientAccount, .clinical(.listAuditTrail(patient: clinic.patient)),
                                          atMilliseconds: Clinic.start + 1) == .valid)
        #expect(clinic.auditTrail(as: clinic.patientAccount) == .success(.auditTrail([])))
    }

    @Test(arguments: [
        ClinicalCall.registerDoctor(DoctorRegistration(doctor: Address(hash: .zero), licence: "L", hospital: "H",
                                                       specialty: "S")),
        .registerPharmacy(PharmacyRegistration(pharmacy: Address(hash: .zero), licence: "L")),
        .registerPatient(pseudonym: .zero),
        .grantPermission(PermissionGrant(key: PermissionKey(patient: .zero, doctor: Address(hash: .zero),
                                                            category: .treatments, right: .read),
                                         validFromMilliseconds: 0, validUntilMilliseconds: 1)),
        .revokePermission(PermissionKey(patient: .zero, doctor: Address(hash: .zero), category: .treatments, right: .read)),
        .registerTreatment(TreatmentRegistration(patient: .zero, diseaseCode: "E11", drugCode: "N02BE01", dosage: "1",
                                                 route: .oral, examDateMilliseconds: 0, documentHash: .zero)),
        .readRecords(patient: .zero, category: .treatments),
        .dispense(patient: .zero, treatment: .zero),
    ])
    func stateChangingCallsCannotBeEvaluated(call: ClinicalCall) throws {
        let clinic = try Clinic()
        #expect(!call.isReadOnly)
        #expect(clinic.harness.evaluate(.clinical(call), as: clinic.regulator) == .failure(.notReadOnly))
    }
}

@Suite struct ClinicalDispenseTests {
    /// A clinic where the doctor may write treatments of both patients.
    private func clinicWithWritePermission() throws -> Clinic {
        var clinic = try Clinic()
        try clinic.grant(.write)
        try clinic.harness.submit(clinic.otherPatientAccount, .clinical(.grantPermission(PermissionGrant(
            key: clinic.permission(.write, patient: clinic.otherPatient), validFromMilliseconds: Clinic.start,
            validUntilMilliseconds: Clinic.start + Clinic.hour))), atMilliseconds: Clinic.start)
        return clinic
    }

    @Test func dispensingNeedsAPharmacyAPatientAndTheirTreatment() throws {
        var clinic = try clinicWithWritePermission()
        let treatment = try clinic.registerTreatment(clinic.treatment(), atMilliseconds: Clinic.start + 1)
        let otherTreatment = try clinic.registerTreatment(clinic.treatment(patient: clinic.otherPatient),
                                                          atMilliseconds: Clinic.start + 1)
        #expect(treatment.code == .valid && otherTreatment.code == .valid)
        let now = Clinic.start + 2
        for notAPharmacy in [clinic.doctor, clinic.regulator, clinic.patientAccount, clinic.stranger] {
            #expect(try clinic.harness.submit(notAPharmacy, .clinical(.dispense(patient: clinic.patient,
                                                                                treatment: treatment.id)),
                                              atMilliseconds: now) == .contractError(.pharmacyNotRegistered))
        }
        #expect(try clinic.harness.submit(clinic.pharmacy, .clinical(.dispense(
            patient: Hash256.sha256(Array("nobody".utf8)), treatment: treatment.id)), atMilliseconds: now)
            == .contractError(.patientNotRegistered))
        #expect(try clinic.harness.submit(clinic.pharmacy, .clinical(.dispense(
            patient: clinic.patient, treatment: Hash256.sha256(Array("no treatment".utf8)))), atMilliseconds: now)
            == .contractError(.treatmentNotFound))
        #expect(try clinic.harness.submit(clinic.pharmacy, .clinical(.dispense(
            patient: clinic.patient, treatment: otherTreatment.id)), atMilliseconds: now)
            == .contractError(.treatmentOfAnotherPatient))
        #expect(try clinic.harness.submit(clinic.pharmacy, .clinical(.dispense(
            patient: clinic.otherPatient, treatment: treatment.id)), atMilliseconds: now)
            == .contractError(.treatmentOfAnotherPatient))
        #expect(try clinic.harness.submit(clinic.pharmacy, .clinical(.dispense(
            patient: clinic.patient, treatment: treatment.id)), atMilliseconds: now) == .valid)
    }

    @Test func aControlledDrugIsDispensedOnce() throws {
        var clinic = try clinicWithWritePermission()
        let morphine = try clinic.registerTreatment(clinic.treatment(drug: "N02AA01"), atMilliseconds: Clinic.start + 1)
        #expect(morphine.code == .valid)
        let dispense = ContractCall.clinical(.dispense(patient: clinic.patient, treatment: morphine.id))
        #expect(try clinic.harness.submit(clinic.pharmacy, dispense, atMilliseconds: Clinic.start + 2) == .valid)
        #expect(try clinic.harness.submit(clinic.pharmacy, dispense, atMilliseconds: Clinic.start + 3)
            == .contractError(.controlledDrugAlreadyDispensed))
        // Another registered pharmacy cannot dispense it again either.
        let secondPharmacy = LedgerHarness.account(30)
        try clinic.harness.submit(clinic.regulator, .clinical(.registerPharmacy(
            PharmacyRegistration(pharmacy: secondPharmacy.address, licence: "PH-30"))), atMilliseconds: Clinic.start + 4)
        #expect(try clinic.harness.submit(secondPharmacy, dispense, atMilliseconds: Clinic.start + 5)
            == .contractError(.controlledDrugAlreadyDispensed))
    }

    @Test func aControlledDrugTwiceInOneBlockIsDispensedOnce() throws {
        var clinic = try clinicWithWritePermission()
        let morphine = try clinic.registerTreatment(clinic.treatment(drug: "N02AA01"), atMilliseconds: Clinic.start + 1)
        let dispense = ContractCall.clinical(.dispense(patient: clinic.patient, treatment: morphine.id))
        #expect(try clinic.harness.submit([(clinic.pharmacy, dispense), (clinic.pharmacy, dispense)],
                                          atMilliseconds: Clinic.start + 2)
            == [.valid, .contractError(.controlledDrugAlreadyDispensed)])
        // Only the dispensation that happened is audited.
        guard case .success(.auditTrail(let entries)) = clinic.auditTrail(as: clinic.patientAccount) else {
            Issue.record("no audit trail")
            return
        }
        #expect(entries.map(\.action) == [.registerTreatment, .dispense])
    }

    @Test func aNonControlledDrugMayBeDispensedAgain() throws {
        var clinic = try clinicWithWritePermission()
        let paracetamol = try clinic.registerTreatment(clinic.treatment(drug: "N02BE01"), atMilliseconds: Clinic.start + 1)
        #expect(paracetamol.code == .valid)
        let dispense = ContractCall.clinical(.dispense(patient: clinic.patient, treatment: paracetamol.id))
        #expect(try clinic.harness.submit(clinic.pharmacy, dispense, atMilliseconds: Clinic.start + 2) == .valid)
        #expect(try clinic.harness.submit(clinic.pharmacy, dispense, atMilliseconds: Clinic.start + 3) == .valid)
        #expect(try clinic.harness.submit([(clinic.pharmacy, dispense), (clinic.pharmacy, dispense)],
                                          atMilliseconds: Clinic.start + 4) == [.valid, .valid])
    }

    /// A drug of every controlled class: morphine, fentanyl, diazepam, midazolam, methylphenidate,
    /// methadone.
    static let controlledDrugs = ["N02AA01", "N01AH01", "N05BA01", "N05CD08", "N06BA04", "N07BC02"]

    @Test(arguments: ClinicalRules.controlledDrugPrefixes)
    func everyControlledPrefixIsControlled(prefix: String) {
        #expect(ClinicalRules.isControlled(drugCode: prefix))
        let examples = Self.controlledDrugs.filter { $0.hasPrefix(prefix) }
        #expect(examples.count == 1, "an example drug for \(prefix)")
        for drug in examples {
            #expect(ClinicalRules.isValidDrugCode(drug))
            #expect(ClinicalRules.isControlled(drugCode: drug))
        }
    }

    @Test(arguments: ["N02BE01", "N02BA01", "N01AB01", "N05AA01", "N05CF01", "N06AB03", "N07BA01", "A02BC01", "n02aa01"])
    func otherDrugsAreNotControlled(drug: String) {
        #expect(!ClinicalRules.isControlled(drugCode: drug))
    }
}
