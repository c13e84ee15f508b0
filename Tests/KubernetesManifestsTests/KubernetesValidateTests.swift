import Foundation
import KubernetesManifests
import TestSupport
import Testing

/// The manifests against Kubernetes' published schemas, with the `kubernetes-validate` PyPI package
/// (it bundles the schemas, so it needs no cluster and no network). `scripts/install-test-tools`
/// installs it. Where it is not installed the test is skipped and says why, unless
/// VERNIER_REQUIRE_KUBERNETES_VALIDATE=1 (CI), where its absence fails.
@Suite("Kubernetes schemas (kubernetes-validate)")
struct KubernetesValidateTests {
    /// Whether a missing kubernetes-validate fails the test instead of skipping it.
    static let required = ProcessInfo.processInfo.environment["VERNIER_REQUIRE_KUBERNETES_VALIDATE"] == "1"
    /// The kubernetes-validate executable on PATH, if any.
    static let executable: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
        .split(separator: ":")
        .map { $0 + "/kubernetes-validate" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("every written manifest is valid for Kubernetes, strictly (no unknown field)",
          .enabled(if: executable != nil || required,
                   "kubernetes-validate is not installed (scripts/install-test-tools installs it; VERNIER_REQUIRE_KUBERNETES_VALIDATE=1 makes its absence fail)"),
          arguments: SampleFiles.named.keys.sorted())
    func validates(sampleName: String) throws {
        let sample = try #require(SampleFiles.named[sampleName])
        let executable = try #require(Self.executable, """
            kubernetes-validate is not on PATH and VERNIER_REQUIRE_KUBERNETES_VALIDATE=1: \
            run scripts/install-test-tools (pip install kubernetes-validate)
            """)
        let (_, deployment) = try SampleFiles.deployment(sample)
        let directory = try TemporaryDirectory()
        try deployment.write(to: directory.file("manifests"))
        let paths = deployment.files.map { directory.file("manifests/" + $0.fileName) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--strict", "--no-warn"] + paths
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "kubernetes-validate refused the manifests:\n\(text)")
        // It names every document that passed ("INFO <file> passed for resource <kind>/<name> ..."):
        // as many as the objects written, so that none was left unchecked.
        let valid = text.split(separator: "\n").filter { $0.contains(" passed for resource ") }
        #expect(valid.count == deployment.files.flatMap(\.objects).count, "\(text)")
    }
}
