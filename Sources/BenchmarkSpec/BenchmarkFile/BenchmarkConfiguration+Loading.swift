import ConfigurationReading
import Foundation
import Yams

extension BenchmarkConfiguration {
    /// Reads and checks the benchmark file at `path`.
    ///
    /// - Throws: `ConfigurationErrors` with every problem found, including an unreadable file.
    public static func load(path: String) throws -> BenchmarkConfiguration {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationErrors(fileName: path, errors: [ConfigurationError(
                path: ConfigurationError.documentPath,
                message: "cannot read the file: \(Self.reason(error))"
            )])
        }
        return try BenchmarkConfiguration(yaml: yaml, fileName: path)
    }

    /// Decodes and checks a benchmark file's text; `fileName` only labels the errors.
    ///
    /// - Throws: `ConfigurationErrors` with every problem found, sorted by position.
    public init(yaml: String, fileName: String) throws {
        let diagnostics = ConfigurationDiagnostics()
        let document: YAMLDocument?
        do {
            document = try YAMLDocument.compose(yaml, knownKeys: Self.allTopLevelKeys, diagnostics: diagnostics)
        } catch {
            throw ConfigurationErrors(fileName: fileName, errors: [Self.syntaxError(error)])
        }
        guard let document else {
            throw ConfigurationErrors(fileName: fileName, errors: [ConfigurationError(
                path: ConfigurationError.documentPath, message: "the file is empty", line: 1, column: 1
            )])
        }
        let value = ConfigurationValue(node: document.root, path: "", diagnostics: diagnostics)
        let configuration = Self.read(value)
        guard var configuration, diagnostics.errors.isEmpty else {
            throw ConfigurationErrors(fileName: fileName, errors: diagnostics.errors)
        }
        configuration.anchorBlocks = document.anchorBlocks
        configuration.readingNotes = diagnostics.notes.map { $0.description(fileName: fileName) }
        self = configuration
    }

    /// A YAML error from Yams as a configuration error with its position.
    private static func syntaxError(_ error: any Error) -> ConfigurationError {
        let documentPath = ConfigurationError.documentPath
        guard let yamlError = error as? YamlError else {
            return ConfigurationError(path: documentPath, message: "YAML error: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let contextText = context.map { " \($0.text)" } ?? ""
            return ConfigurationError(
                path: documentPath, message: "YAML syntax error: \(problem)\(contextText)",
                line: mark.line, column: mark.column
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                path: documentPath,
                message: "duplicate key \(duplicates.joined(separator: ", ")) in one mapping",
                line: context.mark.line, column: context.mark.column
            )
        case .reader(let problem, _, _, _):
            return ConfigurationError(path: documentPath, message: "cannot read the YAML text: \(problem)")
        default:
            return ConfigurationError(path: documentPath, message: "YAML error: \(yamlError)")
        }
    }

    /// A short reason for a file that cannot be read.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}
