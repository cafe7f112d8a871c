package reports

import (
	"encoding/binary"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDashboardNavigation: the dashboard has a bookmark per section and a
// contents list on page 2 whose page numbers are the pages the sections
// start on; its last section is the glossary.
func TestDashboardNavigation(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := StructurePDF(sampleReport("ML-16001")).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	pages, bookmarks := checkContents(t, path, dashboardTitles())
	glossary := spaces(pages[bookmarks[titleGlossary]-1])
	for _, want := range []string{"Gravité", "erreur :", "Nouveau", "Persistant", "Résolu", "Taux d'absence", "Taux de rattachement SIENE",
		"Constats pour 100 dossiers"} {
		if !strings.Contains(glossary, want) {
			t.Errorf("the glossary lacks %q", want)
		}
	}
}

// TestRegionContents: the regional summary of a large region (43
// structures) runs over 4 pages and gets a contents list and bookmarks.
func TestRegionContents(t *testing.T) {
	t.Parallel()
	for _, n := range []int{43} {
		reg := &RegionReport{AsOf: day("2026-11-23"), GeneratedAt: genAt}
		for i := 0; i < n; i++ {
			r := sampleReport(fmt.Sprintf("ML-%05d", 16000+i))
			r.Dossiers = int64(100 + i)
			reg.Structures = append(reg.Structures, Summarize(r))
		}
		path := filepath.Join(t.TempDir(), "r.pdf")
		if err := RegionPDF(reg).WriteFile(path); err != nil {
			t.Fatal(err)
		}
		if pages := pdfPages(t, pdfText(t, path)); pages < contentsFrom {
			t.Fatalf("%d structures: %d pages", n, pages)
		}
		checkContents(t, path, regionTitles)
	}
}

// checkContents checks a document's contents list on page 2 against its
// bookmarks and the pages the titles are printed on; it returns the pages'
// text and the first page of each bookmark.
func checkContents(t *testing.T, path string, titles []string) ([]string, map[string]int) {
	t.Helper()
	xml, err := exec.Command("pdftohtml", "-xml", "-stdout", "-i", "-q", path).Output()
	if err != nil {
		t.Fatalf("pdftohtml (poppler-utils): %v", err)
	}
	bookmarks := map[string]int{}
	for _, m := range regexp.MustCompile(`<item page="(\d+)">([^<]*)</item>`).FindAllStringSubmatch(string(xml), -1) {
		n, _ := strconv.Atoi(m[1])
		if _, ok := bookmarks[unescapeXML(m[2])]; !ok {
			bookmarks[unescapeXML(m[2])] = n
		}
	}
	pages := strings.Split(pdfText(t, path), "\f")
	toc := spaces(pages[1])
	if !strings.Contains(toc, "Sommaire") {
		t.Fatalf("page 2 is not the contents list:\n%s", toc)
	}
	for _, title := range titles {
		page, ok := bookmarks[title]
		if !ok {
			t.Errorf("no bookmark %q (bookmarks %v)", title, bookmarks)
			continue
		}
		line := regexp.MustCompile(regexp.QuoteMeta(spaces(typo(title))) + `\s+page (\d+)`).FindStringSubmatch(toc)
		if line == nil {
			t.Errorf("the contents list lacks %q", title)
			continue
		}
		if line[1] != strconv.Itoa(page) {
			t.Errorf("%q: page %s in the contents list, bookmark on page %d", title, line[1], page)
		}
		if !strings.Contains(spaces(pages[page-1]), spaces(typo(title))) {
			t.Errorf("%q is not on page %d", title, page)
		}
	}
	return pages, bookmarks
}

func unescapeXML(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#39;", "'", "&apos;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

// TestFrenchTypography: no-break spaces inside « », narrow no-break spaces
// between thousands, and glyphs for both (and for ▲ ▼) in the embedded
// fonts, so that they print as spaces, not as missing-glyph boxes.
func TestFrenchTypography(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"clos pour « réorientation » hier": "clos pour «\u00a0réorientation\u00a0» hier",
		"sans guillemets":                  "sans guillemets",
	} {
		if got := typo(in); got != want {
			t.Errorf("typo(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1\u202f000", 1234567: "1\u202f234\u202f567", -60730: "-60\u202f730"} {
		if got := frInt(in); got != want {
			t.Errorf("frInt(%d) = %q, want %q", in, got, want)
		}
	}
	if got := frNumber(12345.5); got != "12\u202f345,5" {
		t.Errorf("frNumber(12345.5) = %q", got)
	}
	for name, font := range map[string][]byte{"regular": fontRegular, "bold": fontBold} {
		for _, r := range []rune{'\u00a0', '\u202f', '«', '»', '▲', '▼', '€'} {
			if !hasGlyph(t, font, r) {
				t.Errorf("the %s font has no glyph for %U", name, r)
			}
		}
		if hasGlyph(t, font, '中') {
			t.Errorf("the %s font claims a glyph for 中: the cmap reader sees everything", name)
		}
	}
}

// hasGlyph reads a TrueType font's cmap (the Windows Unicode BMP subtable,
// format 4) and tells whether r maps to a glyph.
func hasGlyph(t *testing.T, font []byte, r rune) bool {
	t.Helper()
	be := binary.BigEndian
	n := int(be.Uint16(font[4:]))
	var cmap []byte
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, size := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			cmap = font[off : off+size]
		}
	}
	if cmap == nil {
		t.Fatal("no cmap table")
	}
	if r > 0xFFFF {
		return false
	}
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		rec := cmap[4+8*i:]
		if be.Uint16(rec) != 3 || be.Uint16(rec[2:]) != 1 {
			continue
		}
		sub := cmap[be.Uint32(rec[4:]):]
		if be.Uint16(sub) != 4 {
			continue
		}
		segs := int(be.Uint16(sub[6:])) / 2
		ends, starts := sub[14:], sub[16+2*segs:]
		deltas, ranges := sub[16+4*segs:], sub[16+6*segs:]
		c := uint16(r)
		for s := 0; s < segs; s++ {
			end, start := be.Uint16(ends[2*s:]), be.Uint16(starts[2*s:])
			if c > end {
				continue
			}
			if c < start {
				return false
			}
			delta, ro := be.Uint16(deltas[2*s:]), be.Uint16(ranges[2*s:])
			if ro == 0 {
				return c+delta != 0
			}
			at := 16 + 6*segs + 2*s + int(ro) + 2*int(c-start)
			return be.Uint16(sub[at:]) != 0
		}
		return false
	}
	t.Fatal("no format-4 Unicode cmap")
	return false
}
