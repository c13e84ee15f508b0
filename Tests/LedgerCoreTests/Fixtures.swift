import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// Sample values of every on-ledger type, shared by the codec tests.
enum Fixtures {
    static let regulator = SigningAccount.deterministic(seed: 7, index: 0)
    static let doctor = SigningAccount.deterministic(seed: 7, index: 1)
    static let patient = SigningAccount.deterministic(seed: 7, index: 2)
    static let pseudonym = Hash256.sha256(Array("patient-1".utf8))
    static let document = Hash256.sha256(Array("document-1".utf8))

    /// One call of every contract function.
    static let calls: [ContractCall] = [
        .simple(.open(account: "acc-000001", money: 10_000)),
        .simple(.query(account: "acc-000001")),
        .simple(.transfer(from: "acc-000001", to: "acc-000002", amount: 100)),
        .simple(.delete(account: "acc-000002")),
        .clinical(.registerDoctor(DoctorRegistration(doctor: doctor.address, licence: "MD-1", hospital: "H1", specialty: "cardiology"))),
        .clinical(.registerPharmacy(PharmacyRegistration(pharmacy: patient.address, licence: "PH-1"))),
        .clinical(.registerPatient(pseudonym: pseudonym)),
        .clinical(.grantPermission(PermissionGrant(
            key: PermissionKey(patient: pseudonym, doctor: doctor.address, category: .treatments, right: .write),
            validFromMilliseconds: 1_000, validUntilMilliseconds: 2_000))),
        .clinical(.revokePermission(PermissionKey(patient: pseudonym, doctor: doctor.address, category: .laboratoryResults, right: .read))),
        .clinical(.registerTreatment(TreatmentRegistration(
            patient: pseudonym, diseaseCode: "J45.909", drugCode: "R03AC02", dosage: "100 µg twice a day",
            route: .inhalation, examDateMilliseconds: 1_500, documentHash: document))),
        .clinical(.readRecords(patient: pseudonym, category: .radiationDoses)),
        .clinical(.listAuditTrail(patient: pseudonym)),
        .clinical(.dispense(patient: pseudonym, treatment: document)),
    ]

    static func transactions() -> [Transaction] {
        calls.enumerated().map { index, call in
            Transaction(signedBy: [regulator, doctor, patient][index % 3], nonce: UInt64(index), call: call)
        }
    }

    static func block(height: UInt64 = 1, previousHash: Hash256 = .zero, transactions: [Transaction]) -> Block {
        Block(height: height, previousHash: previousHash, timestampMilliseconds: 1_700_000_000_000,
              seal: .raft(term: 3, index: 17), transactions: transactions)
    }
}
