// PythonSanitizer: definitions stay, top-level usage examples go (also when cut by the token limit).
import Testing
@testable import ExecutionBenchmarks

@Suite struct PythonSanitizerTests {
    @Test func keepsDefinitionsAndDropsUsage() {
        let answer = """
        from typing import List
        import math

        LIMIT = 10

        @staticmethod
        def helper(x):
            return x * 2

        def rolling_max(numbers: List[int]) -> List[int]:
            out = []
            for n in numbers:
                out.append(max(out[-1], n) if out else n)
            return out

        class Box:
            size = 3

        # Test cases
        print(rolling_max([1, 2, 3, 2]))
        assert helper(2) == 4
        if __name__ == "__main__":
            print(helper(3))
        result = rolling_max([5, 3,
                              1])
        print(rolling_max([5, 3, 5, 2, 3, 3, 9, 0, 123, 1, 1, 1, 1, 1,
        """
        let clean = PythonSanitizer.sanitize(answer)
        for kept in ["from typing import List", "import math", "LIMIT = 10", "@staticmethod", "def helper(x):",
                     "        out.append(max(out[-1], n) if out else n)", "class Box:", "    size = 3",
                     "result = rolling_max([5, 3,", "                      1])"] {
            #expect(clean.contains(kept), "\(kept)")
        }
        for dropped in ["print(", "assert helper", "__main__", "# Test cases"] { #expect(!clean.contains(dropped), "\(dropped)") }
        #expect(clean.hasSuffix("1])\n"))
    }

    @Test func comparisonsAreNotAssignments() {
        #expect(!PythonSanitizer.isAssignment("x == 3"))
        #expect(!PythonSanitizer.isAssignment("total += 1"))
        #expect(!PythonSanitizer.isAssignment("f(a=1)"))
        #expect(PythonSanitizer.isAssignment("a, b = 1, 2"))
        #expect(PythonSanitizer.isAssignment("n: int = 3"))
    }
}
