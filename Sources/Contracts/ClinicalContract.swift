/// The clinical contract of the seed papers: registration by a regulator, pseudonymous patients,
/// time-windowed permissions, treatments, audited reads and once-only controlled dispensing.
package import LedgerPrimitives
package enum ClinicalContract {
    static func execute(
        _ call: ClinicalCall, in context: ExecutionContext, state: inout StateView
    ) throws(ContractError) -> ContractOutput {
        switch call {
        case .registerDoctor(let registration):
            try requireRegulator(context, state)
            for text in [registration.licence, registration.hospital, registration.specialty] {
                guard ClinicalRules.isValidText(text) else { throw .invalidText }
            }
            let key = doctorKey(registration.doctor)
            guard !state.contains(key) else { throw .doctorAlreadyRegistered }
            guard !state.contains(pharmacyKey(registration.doctor)) else { throw .roleConflict }
            state.setRecord(key, DoctorRecord(registration: registration, registeredAtMilliseconds: context.nowMilliseconds))
            return .none

        case .registerPharmacy(let registration):
            try requireRegulator(context, state)
            guard ClinicalRules.isValidText(registration.licence) else { throw .invalidText }
            let key = pharmacyKey(registration.pharmacy)
            guard !state.contains(key) else { throw .pharmacyAlreadyRegistered }
            guard !state.contains(doctorKey(registration.pharmacy)) else { throw .roleConflict }
            state.setRecord(key, PharmacyRecord(registration: registration, registeredAtMilliseconds: context.nowMilliseconds))
            return .none

        case .registerPatient(let pseudonym):
            let key = patientKey(pseudonym)
            guard !state.contains(key) else { throw .patientAlreadyRegistered }
            state.setRecord(key, PatientRecord(controller: context.sender, registeredAtMilliseconds: context.nowMilliseconds))
            return .none

        case .grantPermission(let grant):
            try requireController(of: grant.key.patient, context, state)
            guard state.contains(doctorKey(grant.key.doctor)) else { throw .doctorNotRegistered }
            guard grant.validFromMilliseconds < grant.validUntilMilliseconds else { throw .invalidPermissionWindow }
            state.setRecord(permissionKey(grant.key), PermissionRecord(
                validFromMilliseconds: grant.validFromMilliseconds,
                validUntilMilliseconds: grant.validUntilMilliseconds,
                grantedAtMilliseconds: context.nowMilliseconds,
                grantTransaction: context.transactionId,
                revokedAtMilliseconds: nil))
            return .none

        case .revokePermission(let permission):
            try requireController(of: permission.patient, context, state)
            let key = permissionKey(permission)
            guard var record = state.record(key, as: PermissionRecord.self) else { throw .permissionMissing }
            guard record.revokedAtMilliseconds == nil else { throw .permissionRevoked }
            record.revokedAtMilliseconds = context.nowMilliseconds
            state.setRecord(key, record)
            return .none

        case .registerTreatment(let treatment):
            guard state.contains(doctorKey(context.sender)) else { throw .doctorNotRegistered }
            try requirePatient(treatment.patient, state)
            try requirePermission(PermissionKey(patient: treatment.patient, doctor: context.sender,
                                                category: .treatments, right: .write), context, state)
            guard ClinicalRules.isValidDiseaseCode(treatment.diseaseCode) else { throw .invalidDiseaseCode }
            guard ClinicalRules.isValidDrugCode(treatment.drugCode) else { throw .invalidDrugCode }
            guard ClinicalRules.isValidText(treatment.dosage) else { throw .invalidDosage }
            guard treatment.examDateMilliseconds <= context.nowMilliseconds else { throw .examDateInFuture }
            state.setRecord(treatmentKey(context.transactionId), TreatmentRecord(
                registration: treatment, doctor: context.sender,
                controlled: ClinicalRules.isControlled(drugCode: treatment.drugCode),
                registeredAtMilliseconds: context.nowMilliseconds))
            let countKey = recordCountKey(treatment.patient, .treatments)
            state.setUInt64(countKey, (state.uint64(countKey) ?? 0) + 1)
            appendAudit(patient: treatment.patient, action: .registerTreatment, category: .treatments, context, &state)
            return .treatment(context.transactionId)

        case .readRecords(let patient, let category):
            guard state.contains(doctorKey(context.sender)) else { throw .doctorNotRegistered }
            try requirePatient(patient, state)
            try requirePermission(PermissionKey(patient: patient, doctor: context.sender, category: category, right: .read),
                                  context, state)
            appendAudit(patient: patient, action: .readRecords, category: category, context, &state)
            return .recordCount(state.uint64(recordCountKey(patient, category)) ?? 0)

        case .listAuditTrail(let patient):
            let record = try requirePatient(patient, state)
            let isRegulator = state.record(StateKey(.regulator), as: Address.self) == context.sender
            guard record.controller == context.sender || isRegulator else { throw .notPatientController }
            let count = state.uint64(auditCountKey(patient)) ?? 0
            let first = count > UInt64(ClinicalRules.maximumAuditEntriesListed)
                ? count - UInt64(ClinicalRules.maximumAuditEntriesListed) : 0
            var entries: [AuditEntry] = []
            for sequence in first..<count {
                if let entry = state.record(auditEntryKey(patient, sequence), as: AuditEntry.self) {
                    entries.append(entry)
                }
            }
            return .auditTrail(entries)

        case .dispense(let patient, let treatment):
            guard state.contains(pharmacyKey(context.sender)) else { throw .pharmacyNotRegistered }
            try requirePatient(patient, state)
            guard let record = state.record(treatmentKey(treatment), as: TreatmentRecord.self) else {
                throw .treatmentNotFound
            }
            guard record.registration.patient == patient else { throw .treatmentOfAnotherPatient }
            let key = dispensationKey(treatment)
            let dispensed = state.uint64(key) ?? 0
            if record.controlled && dispensed > 0 { throw .controlledDrugAlreadyDispensed }
            state.setUInt64(key, dispensed + 1)
            appendAudit(patient: patient, action: .dispense, category: .treatments, context, &state)
            return .none
        }
    }

    /// The state entry naming the regulator, written at genesis.
    package static func regulatorEntry(_ regulator: Address) -> (StateKey, [UInt8]) {
        (StateKey(.regulator), regulator.canonicalBytes)
    }

    private static func requireRegulator(_ context: ExecutionContext, _ state: StateView) throws(ContractError) {
        guard state.record(StateKey(.regulator), as: Address.self) == context.sender else { throw .notRegulator }
    }

    @discardableResult
    private static func requirePatient(_ pseudonym: Hash256, _ state: StateView) throws(ContractError) -> PatientRecord {
        guard let record = state.record(patientKey(pseudonym), as: PatientRecord.self) else { throw .patientNotRegistered }
        return record
    }

    private static func requireController(
        of pseudonym: Hash256, _ context: ExecutionContext, _ state: StateView
    ) throws(ContractError) {
        guard try requirePatient(pseudonym, state).controller == context.sender else { throw .notPatientController }
    }

    /// A permission holds at `now` when granted, not revoked, and now is in [validFrom, validUntil).
    private static func requirePermission(
        _ permission: PermissionKey, _ context: ExecutionContext, _ state: StateView
    ) throws(ContractError) {
        guard let record = state.record(permissionKey(permission), as: PermissionRecord.self) else {
            throw .permissionMissing
        }
        guard record.revokedAtMilliseconds == nil else { throw .permissionRevoked }
        guard context.nowMilliseconds >= record.validFromMilliseconds else { throw .permissionNotYetValid }
        guard context.nowMilliseconds < record.validUntilMilliseconds else { throw .permissionExpired }
    }

    private static func appendAudit(
        patient: Hash256, action: AuditAction, category: DataCategory,
        _ context: ExecutionContext, _ state: inout StateView
    ) {
        let countKey = auditCountKey(patient)
        let sequence = state.uint64(countKey) ?? 0
        state.setRecord(auditEntryKey(patient, sequence), AuditEntry(
            accessor: context.sender, action: action, category: category,
            atMilliseconds: context.nowMilliseconds, transaction: context.transactionId))
        state.setUInt64(countKey, sequence + 1)
    }

    private static func doctorKey(_ doctor: Address) -> StateKey { StateKey(.doctor, doctor.hash.bytes) }

    private static func pharmacyKey(_ pharmacy: Address) -> StateKey { StateKey(.pharmacy, pharmacy.hash.bytes) }

    private static func patientKey(_ pseudonym: Hash256) -> StateKey { StateKey(.patient, pseudonym.bytes) }

    private static func permissionKey(_ key: PermissionKey) -> StateKey {
        StateKey(.permission, key.patient.bytes, key.doctor.hash.bytes, [key.category.rawValue, key.right.rawValue])
    }

    private static func treatmentKey(_ id: Hash256) -> StateKey { StateKey(.treatment, id.bytes) }

    private static func recordCountKey(_ patient: Hash256, _ category: DataCategory) -> StateKey {
        StateKey(.recordCount, patient.bytes, [category.rawValue])
    }

    private static func auditCountKey(_ patient: Hash256) -> StateKey { StateKey(.auditCount, patient.bytes) }

    private static func auditEntryKey(_ patient: Hash256, _ sequence: UInt64) -> StateKey {
        StateKey(.auditEntry, patient.bytes, sequence.canonicalBytes)
    }

    private static func dispensationKey(_ treatment: Hash256) -> StateKey { StateKey(.dispensation, treatment.bytes) }
}
