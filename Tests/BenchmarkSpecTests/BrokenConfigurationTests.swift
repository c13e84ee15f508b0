import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// Every broken benchmark file reports an error at the path its header names.
@Suite("Broken benchmark files")
struct BrokenConfigurationTests {
    @Test("the corpus is large enough")
    func corpusSize() {
        #expect(TestFiles.brokenFixtureNames().count >= 35)
    }

    @Test("reports the expected path and message", arguments: TestFiles.brokenFixtureNames())
    func reportsExpectedError(name: String) throws {
        let fixture = try BrokenFixture(name: name)
        let expectedPath = try #require(fixture.expectedPath, "\(name) has no '# expect:' line")
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: fixture.yaml, fileName: name)
        }
        let atPath = failure.errors.filter { $0.path == expectedPath }
        #expect(!atPath.isEmpty, "no error at \(expectedPath); got:\n\(failure)")
        if let text = fixture.expectedText {
            let lines = atPath.map { $0.description(fileName: name) }
            #expect(lines.contains { $0.contains(text) }, "no error at \(expectedPath) contains \"\(text)\"; got:\n\(failure)")
        }
        for error in failure.errors where error.path != ConfigurationError.documentPath {
            #expect(error.line != nil && error.column != nil, "\(error) has no position")
        }
    }
}
