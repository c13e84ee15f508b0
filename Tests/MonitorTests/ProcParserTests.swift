import Testing
@testable import Monitor

/// The `/proc` parsers on fixed text, including odd command names and broken files.
struct ProcParserTests {
    @Test func statOfARealProcess() throws {
        let text = "11812 (cat) R 11806 11806 11152 0 -1 4194304 101 0 0 0 7 3 0 0 20 0 1 0 506690 3133440 381 18446744073709551615 0\n"
        let stat = try ProcParser.parseStat(text, path: "/proc/11812/stat")
        #expect(stat == ProcStat(state: "R", userTicks: 7, systemTicks: 3))
    }

    @Test func statWhoseCommandNameHoldsSpacesAndParentheses() throws {
        let text = "1234 (we ird) (x)) S 1 1234 1234 0 -1 4194304 101 0 0 0 250 75 0 0 20 0 1 0 506690 3133440 381"
        let stat = try ProcParser.parseStat(text, path: "/proc/1234/stat")
        #expect(stat == ProcStat(state: "S", userTicks: 250, systemTicks: 75))
        #expect(!stat.isZombie)
    }

    @Test func statOfAThreadAndAZombie() throws {
        let thread = "77 (worker) (1)) R 1 70 70 0 -1 4194368 0 0 0 0 12345678901 42 0 0 20 0 9 0 1 0 0"
        #expect(try ProcParser.parseStat(thread, path: "/proc/self/task/77/stat").userTicks == 12_345_678_901)
        let zombie = "88 (sh) Z 1 88 88 0 -1 4194316 0 0 0 0 150 2 0 0 20 0 1 0 1 0 0"
        #expect(try ProcParser.parseStat(zombie, path: "/proc/88/stat").isZombie)
    }

    @Test(arguments: [
        ("", "no ')' closing the command name"),
        ("1234 cat R 1 2 3", "no ')' closing the command name"),
        ("1234 (cat)", "field 3 (state) is missing"),
        ("1234 (cat) R 1 2 3 4 5 6 7 8 9 10", "field 14 (utime) is missing"),
        ("1234 (cat) R 1 2 3 4 5 6 7 8 9 10 11", "field 15 (stime) is missing"),
        ("1234 (cat) RS 1 2 3 4 5 6 7 8 9 10 11 12", "field 3 (state) is not one letter"),
        ("1234 (cat) R 1 2 3 4 5 6 7 8 9 10 x1 12", "field 14 (utime) is not an unsigned decimal number"),
        ("1234 (cat) R 1 2 3 4 5 6 7 8 9 10 99999999999999999999999 12", "field 14 (utime) overflows 64 bits"),
    ])
    func brokenStatNamesTheFileAndTheProblem(text: String, problem: String) {
        #expect(throws: ProcFileError(path: "/proc/9/stat", problem: problem)) {
            try ProcParser.parseStat(text, path: "/proc/9/stat")
        }
    }

    @Test func schedstatRunTimeInNanoseconds() throws {
        #expect(try ProcParser.parseScheduledNanoseconds("551532852 251132 93\n", path: "/proc/self/task/1/schedstat") == 551_532_852)
        #expect(throws: ProcFileError.self) { try ProcParser.parseScheduledNanoseconds("", path: "schedstat") }
        #expect(throws: ProcFileError.self) { try ProcParser.parseScheduledNanoseconds("x1 2 3", path: "schedstat") }
    }

    @Test func residentMemoryFromStatus() throws {
        let text = "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nVmPeak:\t    3060 kB\nVmHWM:\t    2160 kB\nVmRSS:\t    2160 kB\nRssAnon:\t     128 kB\n"
        #expect(try ProcParser.parseResidentBytes(text, path: "/proc/1/status") == 2160 * 1024)
    }

    @Test func statusWithoutResidentMemory() {
        #expect(throws: ProcFileError(path: "/proc/2/status", problem: "no VmRSS line (a kernel thread or an exited process?)")) {
            try ProcParser.parseResidentBytes("Name:\tkthreadd\nVmRSSx:\t1 kB\n", path: "/proc/2/status")
        }
        #expect(throws: ProcFileError(path: "/proc/2/status", problem: "VmRSS is not given in kB")) {
            try ProcParser.parseResidentBytes("VmRSS:\t 12 MB\n", path: "/proc/2/status")
        }
        #expect(throws: ProcFileError(path: "/proc/2/status", problem: "VmRSS has no value")) {
            try ProcParser.parseResidentBytes("VmRSS:", path: "/proc/2/status")
        }
    }

    @Test func ioCounters() throws {
        let text = "rchar: 6976\nwchar: 12\nsyscr: 10\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 8388608\ncancelled_write_bytes: 0\n"
        let io = try ProcParser.parseIO(text, path: "/proc/3/io")
        #expect(io == ProcIO(readBytes: 4096, writeBytes: 8_388_608, readCharacterBytes: 6976, writtenCharacterBytes: 12))
    }

    @Test func ioWithMissingCounters() {
        #expect(throws: ProcFileError(path: "/proc/3/io", problem: "missing write_bytes, wchar")) {
            try ProcParser.parseIO("rchar: 1\nread_bytes: 2\ncancelled_write_bytes: 0\n", path: "/proc/3/io")
        }
        #expect(throws: ProcFileError(path: "/proc/3/io", problem: "rchar is not an unsigned decimal number")) {
            try ProcParser.parseIO("rchar: -1\nwchar: 0\nread_bytes: 0\nwrite_bytes: 0\n", path: "/proc/3/io")
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(ProcFileError(path: "/proc/4/io", problem: "missing rchar").description == "/proc/4/io: missing rchar")
    }
}
