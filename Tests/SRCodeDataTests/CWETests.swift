// CWE label normalization across the spellings datasets use.
import Testing
@testable import SRCodeData

@Test func normalizesCWESpellings() {
    #expect(CWE.normalize("787") == "CWE-787")
    #expect(CWE.normalize("CWE-787") == "CWE-787")
    #expect(CWE.normalize("cwe-022") == "CWE-22")
    #expect(CWE.normalize("NVD-CWE-Other") == "NVD-CWE-Other")
    #expect(CWE.normalize("nvd-cwe-noinfo") == "NVD-CWE-noinfo")
    #expect(CWE.normalize("") == nil)
    #expect(CWE.normalize("CWE-abc") == nil)
    #expect(CWE.normalizeList(["CWE-79, CWE-89", "79"]) == ["CWE-79", "CWE-89"])
}
