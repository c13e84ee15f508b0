import Testing
@testable import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// Collects the labels of every stored field of a value, recursively: struct properties, enum
/// cases and their associated values, tuple elements, optionals and array elements.
enum FieldLabels {
    static func of(_ values: [Any]) -> Set<String> {
        var labels: Set<String> = []
        for value in values { collect(value, into: &labels, depth: 0) }
        return labels
    }

    private static func collect(_ value: Any, into labels: inout Set<String>, depth: Int) {
        // On-ledger types nest a handful of levels; the bound keeps a cycle from hanging the test.
        guard depth < 64 else {
            Issue.record("the walk went 64 levels deep")
            return
        }
        let mirror = Mirror(reflecting: value)
        for child in mirror.children {
            if let label = child.label { labels.insert(label) }
            collect(child.value, into: &labels, depth: depth + 1)
        }
    }

    /// Fragments of field names that would hold personal data.
    static let personalDataPatterns = ["name", "ssn", "social", "birth", "zip", "postal", "phone", "email", "street",
                                       "gender", "surname"]

    static func personalDataLabels(in labels: Set<String>) -> [String] {
        labels.filter { label in
            let lowered = label.lowercased()
            return personalDataPatterns.contains { lowered.contains($0) }
        }.sorted()
    }
}

/// Sample values of every type that goes on the ledger: calls, transactions, blocks, records.
enum OnLedgerSamples {
    static let doctor = SigningAccount.deterministic(seed: 99, index: 1)
    static let patient = Hash256.sha256(Array("pseudonym".utf8))
    static let permission = PermissionKey(patient: patient, doctor: doctor.address, category: .laboratoryResults,
                                          right: .share)
    static let doctorRegistration = DoctorRegistration(doctor: doctor.address, licence: "MD-1", hospital: "General",
                                                       specialty: "Oncology")
    static let pharmacyRegistration = PharmacyRegistration(pharmacy: doctor.address, licence: "PH-1")
    static let grant = PermissionGrant(key: permission, validFromMilliseconds: 1, validUntilMilliseconds: 2)
    static let treatment = TreatmentRegistration(patient: patient, diseaseCode: "C4A", drugCode: "N02AA01",
                                                 dosage: "10 mg", route: .intravenous, examDateMilliseconds: 3,
                                                 documentHash: Hash256.sha256([7]))

    static let calls: [ContractCall] = [
        .simple(.open(account: "a", money: 1)),
        .simple(.query(account: "a")),
        .simple(.transfer(from: "a", to: "b", amount: 1)),
        .simple(.delete(account: "a")),
        .clinical(.registerDoctor(doctorRegistration)),
        .clinical(.registerPharmacy(pharmacyRegistration)),
        .clinical(.registerPatient(pseudonym: patient)),
        .clinical(.grantPermission(grant)),
        .clinical(.revokePermission(permission)),
        .clinical(.registerTreatment(treatment)),
        .clinical(.readRecords(patient: patient, category: .radiationDoses)),
        .clinical(.listAuditTrail(patient: patient)),
        .clinical(.dispense(patient: patient, treatment: Hash256.sha256([8]))),
    ]

    static var transactions: [Transaction] {
        calls.enumerated().map { Transaction(signedBy: doctor, nonce: UInt64($0.offset), call: $0.element) }
    }

    static var blocks: [Block] {
        let seals: [ConsensusSeal] = [.genesis(configurationDigest: .zero), .raft(term: 2, index: 3),
                                      .proofOfWork(targetLeadingWord: 4, nonce: 5), .store]
        return seals.map { Block(height: 1, previousHash: .zero, timestampMilliseconds: 6, seal: $0,
                                 transactions: transactions) }
    }

    static let audit = AuditEntry(accessor: doctor.address, action: .dispense, category: .treatments,
                                  atMilliseconds: 9, transaction: Hash256.sha256([9]))

    static let records: [any Sendable] = [
        DoctorRecord(registration: doctorRegistration, registeredAtMilliseconds: 1),
        PharmacyRecord(registration: pharmacyRegistration, registeredAtMilliseconds: 1),
        PatientRecord(controller: doctor.address, registeredAtMilliseconds: 1),
        PermissionRecord(validFromMilliseconds: 1, validUntilMilliseconds: 2, grantedAtMilliseconds: 0,
                         grantTransaction: Hash256.sha256([1]), revokedAtMilliseconds: 5),
        TreatmentRecord(registration: treatment, doctor: doctor.address, controlled: true, registeredAtMilliseconds: 4),
        audit,
    ]

    /// Everything at once: blocks (with their headers and transactions), call arguments, records,
    /// genesis, outputs and validation codes.
    static var all: [Any] {
        var values: [Any] = blocks
        values += blocks.map(\.header)
        values += transactions
        values += calls
        values += [doctorRegistration, pharmacyRegistration, permission, grant, treatment] as [Any]
        values += records as [Any]
        values.append(GenesisConfiguration(chainId: "chain", regulator: doctor.address))
        let outputs: [ContractOutput] = [.auditTrail([audit]), .treatment(.zero), .recordCount(1), .balance(2), .none]
        values += outputs as [Any]
        let codes: [ValidationCode] = [.valid, .badSignature, .staleNonce(expected: 1), .futureNonce(expected: 2),
                                       .contractError(.notRegulator)]
        values += codes as [Any]
        return values
    }
}

@Suite struct PersonalDataTests {
    @Test func noOnLedgerTypeHasAPersonalDataField() {
        let labels = FieldLabels.of(OnLedgerSamples.all)
        #expect(FieldLabels.personalDataLabels(in: labels) == [])
    }

    @Test func theWalkReachesDeepFields() {
        let labels = FieldLabels.of(OnLedgerSamples.all)
        let expected: Set<String> = [
            // transactions and blocks
            "header", "transactions", "senderKey", "nonce", "call", "signature", "sender", "previousHash",
            "merkleRoot", "timestampMilliseconds", "seal", "raft", "proofOfWork", "configurationDigest",
            // calls, with enum cases and their associated values
            "simple", "clinical", "open", "account", "money", "transfer", "registerPatient", "grantPermission",
            "registerTreatment", "readRecords", "dispense", "listAuditTrail", "pseudonym", "key", "category", "right",
            // argument structs and records
            "patient", "doctor", "pharmacy", "licence", "hospital", "specialty", "diseaseCode", "drugCode",
            "dosage", "route", "examDateMilliseconds", "documentHash", "validFromMilliseconds",
            "validUntilMilliseconds", "grantTransaction", "revokedAtMilliseconds", "controller", "controlled",
            "registeredAtMilliseconds", "registration", "accessor", "action", "atMilliseconds", "chainId",
            "regulator", "auditTrail", "contractError",
        ]
        #expect(expected.subtracting(labels) == [], "labels the walk did not reach")
        #expect(labels.count >= 60)
    }

    @Test func theCheckWouldCatchPersonalData() {
        // The off-ledger identity is exactly what the on-ledger types must never contain.
        let identity = PatientIdentity(socialSecurityNumber: "1", birthDate: "2", givenNames: "3", familyName: "4",
                                       postalCode: "5")
        let found = FieldLabels.personalDataLabels(in: FieldLabels.of([identity]))
        #expect(found == ["birthDate", "familyName", "givenNames", "postalCode", "socialSecurityNumber"])
        let wrapped = FieldLabels.personalDataLabels(in: FieldLabels.of([[Optional(("x", identity))]]))
        #expect(wrapped.count == 5)
    }
}

@Suite struct PseudonymTests {
    static let secret = Array("a long random patient secret".utf8)
    static let identity = PatientIdentity(socialSecurityNumber: "078-05-1120-XYZ", birthDate: "1815-12-10-ABC",
                                          givenNames: "Augusta Ada", familyName: "King-Lovelace",
                                          postalCode: "W1J-7NT-PQR")

    @Test func derivationIsDeterministic() {
        let first = Pseudonym.derive(secret: Self.secret, identity: Self.identity)
        #expect(first == Pseudonym.derive(secret: Self.secret, identity: Self.identity))
        #expect(first != .zero)
    }

    @Test func derivationDependsOnTheSecret() {
        let pseudonym = Pseudonym.derive(secret: Self.secret, identity: Self.identity)
        #expect(pseudonym != Pseudonym.derive(secret: Self.secret + [0], identity: Self.identity))
        #expect(pseudonym != Pseudonym.derive(secret: [], identity: Self.identity))
        var flipped = Self.secret
        flipped[0] ^= 1
        #expect(pseudonym != Pseudonym.derive(secret: flipped, identity: Self.identity))
    }

    @Test func derivationDependsOnEveryIdentityField() {
        let pseudonym = Pseudonym.derive(secret: Self.secret, identity: Self.identity)
        let fields: [WritableKeyPath<PatientIdentity, String>] = [
            \.socialSecurityNumber, \.birthDate, \.givenNames, \.familyName, \.postalCode,
        ]
        var seen: Set<Hash256> = [pseudonym]
        for field in fields {
            var changed = Self.identity
            changed[keyPath: field] += "."
            let other = Pseudonym.derive(secret: Self.secret, identity: changed)
            #expect(other != pseudonym, "changing \(field) must change the pseudonym")
            seen.insert(other)
        }
        #expect(seen.count == fields.count + 1)
    }

    @Test func fieldsDoNotRunTogether() {
        let one = PatientIdentity(socialSecurityNumber: "12", birthDate: "3", givenNames: "", familyName: "x",
                                  postalCode: "y")
        let other = PatientIdentity(socialSecurityNumber: "1", birthDate: "23", givenNames: "", familyName: "x",
                                    postalCode: "y")
        #expect(Pseudonym.derive(secret: [], identity: one) != Pseudonym.derive(secret: [], identity: other))
        // Nor do the secret and the first field.
        let shifted = PatientIdentity(socialSecurityNumber: "a12", birthDate: "3", givenNames: "", familyName: "x",
                                      postalCode: "y")
        #expect(Pseudonym.derive(secret: Array("s".utf8), identity: shifted)
            != Pseudonym.derive(secret: Array("sa".utf8), identity: one))
    }

    @Test func registerPatientStoresThePseudonymWithOnlyControllerAndTime() throws {
        var harness = LedgerHarness()
        let controller = LedgerHarness.account(3)
        let pseudonym = Pseudonym.derive(secret: Self.secret, identity: Self.identity)
        #expect(try harness.submit(controller, .clinical(.registerPatient(pseudonym: pseudonym)),
                                   atMilliseconds: 1_234) == .valid)
        let record = harness.record(StateKey(.patient, pseudonym.bytes), as: PatientRecord.self)
        #expect(record == PatientRecord(controller: controller.address, registeredAtMilliseconds: 1_234))
        let labels = Mirror(reflecting: try #require(record)).children.compactMap(\.label)
        #expect(labels == ["controller", "registeredAtMilliseconds"])

        // No identity field reaches the block or the stored record, in any byte.
        let block = try #require(harness.appliedBlocks.last)
        let stored = try #require(record).canonicalBytes
        for field in [Self.identity.socialSecurityNumber, Self.identity.birthDate, Self.identity.givenNames,
                      Self.identity.familyName, Self.identity.postalCode] {
            let needle = Array(field.utf8)
            #expect(!Self.contains(block.canonicalBytes, needle), "\(field) in the block")
            #expect(!Self.contains(stored, needle), "\(field) in the record")
        }
        #expect(Self.contains(block.canonicalBytes, pseudonym.bytes), "the block carries the pseudonym")
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
