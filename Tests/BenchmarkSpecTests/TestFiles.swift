import Foundation
import TestSupport

/// Locates the package's files from the tests' source location.
enum TestFiles {
    /// The package root.
    static let packageRoot: URL = PackageFiles.root

    /// The directory of the broken benchmark files.
    static let brokenFixtures: URL = packageRoot.appendingPathComponent("Tests/BenchmarkSpecTests/Fixtures/broken")

    /// The names of the broken benchmark files, sorted.
    static func brokenFixtureNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: brokenFixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }
}

/// A broken benchmark file and what its header comments expect.
struct BrokenFixture {
    /// The file's text.
    let yaml: String
    /// The path an error must name (`# expect: <path>`).
    let expectedPath: String?
    /// Text that error must contain (`# message-contains: <text>`).
    let expectedText: String?

    /// Loads the fixture named `name`.
    init(name: String) throws {
        let yaml = try String(contentsOf: TestFiles.brokenFixtures.appendingPathComponent(name), encoding: .utf8)
        self.yaml = yaml
        expectedPath = Self.header("expect", in: yaml)
        expectedText = Self.header("message-contains", in: yaml)
    }

    /// The value of a `# key: value` comment line.
    private static func header(_ key: String, in yaml: String) -> String? {
        let prefix = "# \(key): "
        return yaml.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
