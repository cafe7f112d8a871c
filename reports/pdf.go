package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Orientation of a PDF page.
type Orientation string

// The two A4 orientations.
const (
	Portrait  Orientation = "P"
	Landscape Orientation = "L"
)

// ConfidentialityNotice is printed in the footer of every page.
const ConfidentialityNotice = "Document contenant des données personnelles — diffusion restreinte"

// Page geometry, in millimetres.
const (
	marginSide   = 12.0
	marginTop    = 25.0
	marginBottom = 17.0
	cellPad      = 1.2
)

// PageInfo is what the header and footer of every page show.
type PageInfo struct {
	Title       string    // the document's title, e.g. « Tableau de bord du directeur »
	Structure   string    // the structure (code and name), or « Région »
	Period      string    // e.g. « Situation au 23/11/2026 »
	GeneratedAt time.Time // the generation instant, printed in Europe/Paris time
	// Band, when set, is printed at the foot of every page above the footer,
	// beside a box for the signatory's initials (the ASP list: « Liste de
	// 27 jeunes — page 2/3 »). "{nb}" is replaced by the number of pages.
	Band string
}

// bandHeight is the height of the band (with its initials box) that
// PageInfo.Band adds at the foot of every page.
const bandHeight = 14.0

// PDF is an A4 document with vigie's header and footer, vector text in an
// embedded UTF-8 font, and tables that never overflow a cell or a page.
type PDF struct {
	f    *gofpdf.Fpdf
	info PageInfo
	// The contents list: its entries by title, and the page of each
	// heading printed so far.
	toc      map[string]tocEntry
	printed  map[string]int
	headings int
}

// tocEntry is one line of the contents list: a link to the heading and an
// alias that becomes its page number once the heading is printed.
type tocEntry struct {
	link  int
	alias string
}

// NewPDF starts a document whose first page has the given orientation.
func NewPDF(info PageInfo, o Orientation) *PDF {
	f := gofpdf.New(string(o), "mm", "A4", "")
	p := &PDF{f: f, info: info, toc: map[string]tocEntry{}, printed: map[string]int{}}
	f.SetCompression(true)
	// gofpdf writes into the font bytes it is given (table checksums):
	// each document gets its own copy, so documents can render in parallel.
	f.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(fontRegular))
	f.AddUTF8FontFromBytes(fontFamily, "B", bytes.Clone(fontBold))
	f.SetMargins(marginSide, marginTop, marginSide)
	f.SetAutoPageBreak(true, p.bottomMargin())
	f.AliasNbPages("{nb}")
	f.SetTitle(info.Title, true)
	f.SetSubject(info.Structure, true)
	f.SetCreator("vigie", true)
	if !info.GeneratedAt.IsZero() {
		f.SetCreationDate(info.GeneratedAt)
		f.SetModificationDate(info.GeneratedAt)
	}
	f.SetHeaderFunc(p.header)
	f.SetFooterFunc(p.footer)
	f.AddPage()
	return p
}

// frDateTime formats an instant in Paris time, the French way.
func frDateTime(t time.Time) string {
	return t.In(paris).Format("02/01/2006 à 15:04")
}

func (p *PDF) header() {
	f := p.f
	w, _ := f.GetPageSize()
	inner := w - 2*marginSide
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginSide, 8)
	f.SetFont(fontFamily, "B", 12)
	f.CellFormat(inner, 6, p.fit(p.info.Title, inner), "", 0, "L", false, 0, "")
	f.SetXY(marginSide, 14.5)
	f.SetFont(fontFamily, "", 9)
	periodW := math.Min(f.GetStringWidth(p.info.Period)+2*f.GetCellMargin()+1, inner*0.6)
	f.SetFont(fontFamily, "B", 9)
	f.CellFormat(inner-periodW, 5, p.fit(p.info.Structure, inner-periodW), "", 0, "L", false, 0, "")
	f.SetFont(fontFamily, "", 9)
	f.CellFormat(periodW, 5, p.fit(p.info.Period, periodW), "", 0, "R", false, 0, "")
	f.SetDrawColor(40, 70, 120)
	f.SetLineWidth(0.4)
	f.Line(marginSide, 20.5, w-marginSide, 20.5)
	f.SetLineWidth(0.2)
	f.SetDrawColor(0, 0, 0)
	f.SetXY(marginSide, marginTop)
}

func (p *PDF) bottomMargin() float64 {
	if p.info.Band != "" {
		return marginBottom + bandHeight
	}
	return marginBottom
}

func (p *PDF) footer() {
	f := p.f
	w, h := f.GetPageSize()
	inner := w - 2*marginSide
	if p.info.Band != "" {
		p.band(w, h)
	}
	f.SetDrawColor(150, 150, 150)
	f.Line(marginSide, h-14, w-marginSide, h-14)
	f.SetDrawColor(0, 0, 0)
	f.SetTextColor(60, 60, 60)
	f.SetFont(fontFamily, "B", 7)
	f.SetXY(marginSide, h-13)
	f.CellFormat(inner-25, 4, ConfidentialityNotice, "", 0, "L", false, 0, "")
	f.SetFont(fontFamily, "", 7)
	f.CellFormat(25, 4, fmt.Sprintf("page %d/{nb}", f.PageNo()), "", 0, "R", false, 0, "")
	f.SetXY(marginSide, h-9)
	gen := ""
	if !p.info.GeneratedAt.IsZero() {
		gen = "Généré par vigie le " + frDateTime(p.info.GeneratedAt) + " (heure de Paris)"
	}
	f.CellFormat(inner, 4, gen, "", 0, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// band prints PageInfo.Band and a box for initials above the footer line.
func (p *PDF) band(w, h float64) {
	f := p.f
	const boxW = 42.0
	y := h - 14 - bandHeight + 1.5
	f.SetFont(fontFamily, "B", 9)
	f.SetXY(marginSide, y+3.5)
	f.CellFormat(w-2*marginSide-boxW-4, 5, strings.ReplaceAll(p.info.Band, "{x}", fmt.Sprint(f.PageNo())), "", 0, "L", false, 0, "")
	f.SetDrawColor(0, 0, 0)
	f.Rect(w-marginSide-boxW, y, boxW, bandHeight-3, "D")
	f.SetFont(fontFamily, "", 7)
	f.SetXY(w-marginSide-boxW+1, y+0.5)
	f.CellFormat(boxW-2, 3.5, "Paraphe", "", 0, "L", false, 0, "")
}

// fit shortens s with an ellipsis until it fits in width w at the current font.
func (p *PDF) fit(s string, w float64) string {
	w -= 2 * p.f.GetCellMargin()
	if p.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func (p *PDF) pageBottom() float64 {
	_, h := p.f.GetPageSize()
	return h - p.bottomMargin()
}

func (p *PDF) innerWidth() float64 {
	w, _ := p.f.GetPageSize()
	return w - 2*marginSide
}

// ensure starts a new page (same orientation) unless h millimetres remain.
func (p *PDF) ensure(h float64) {
	if p.f.GetY()+h > p.pageBottom() {
		p.f.AddPage()
	}
}

// AddPage starts a new page with the given orientation.
func (p *PDF) AddPage(o Orientation) {
	p.f.AddPageFormat(string(o), gofpdf.SizeType{Wd: 210, Ht: 297})
}

// Heading prints a section title, on a new page when little room remains;
// it is a bookmark of the document and, if the contents list names it, its
// page number there.
func (p *PDF) Heading(text string) {
	p.ensure(30)
	f := p.f
	f.Ln(2)
	p.headings++
	f.Bookmark(text, 0, -1)
	if _, seen := p.printed[text]; !seen {
		p.printed[text] = f.PageNo()
		if e, ok := p.toc[text]; ok {
			f.SetLink(e.link, f.GetY(), f.PageNo())
			f.RegisterAlias(e.alias, strconv.Itoa(f.PageNo()))
		}
	}
	text = typo(text)
	f.SetFont(fontFamily, "B", 13)
	f.SetTextColor(40, 70, 120)
	f.MultiCell(0, 6.5, text, "", "L", false)
	f.SetTextColor(0, 0, 0)
	f.Ln(1)
}

// Subheading prints a smaller title.
func (p *PDF) Subheading(text string) {
	p.ensure(32) // the title, a table header and its first rows stay together
	f := p.f
	f.Ln(1)
	if p.headings > 0 { // a second-level bookmark needs a first-level one before it
		f.Bookmark(text, 1, -1)
	}
	text = typo(text)
	f.SetFont(fontFamily, "B", 10)
	f.MultiCell(0, 5, text, "", "L", false)
	f.Ln(0.5)
}

// Paragraph prints wrapped text.
func (p *PDF) Paragraph(text string) {
	f := p.f
	f.SetFont(fontFamily, "", 9)
	f.MultiCell(0, 4.5, typo(strings.TrimRight(text, "\r\n")), "", "L", false)
	f.Ln(1)
}

// Note prints a small grey remark.
func (p *PDF) Note(text string) {
	f := p.f
	f.SetFont(fontFamily, "", 7.5)
	f.SetTextColor(90, 90, 90)
	f.MultiCell(0, 3.8, typo(strings.TrimRight(text, "\r\n")), "", "L", false)
	f.SetTextColor(0, 0, 0)
	f.Ln(1)
}

// Contents prints the contents list: each title, a heading the document
// prints later (or has printed), with its page number and a link to it.
func (p *PDF) Contents(titles []string) {
	f := p.f
	p.Heading("Sommaire")
	f.SetFont(fontFamily, "", 10)
	w := p.innerWidth()
	for i, t := range titles {
		e := tocEntry{link: f.AddLink(), alias: fmt.Sprintf("{sommaire:%03d}", i)}
		p.toc[t] = e
		if page, ok := p.printed[t]; ok {
			f.SetLink(e.link, 0, page)
			f.RegisterAlias(e.alias, strconv.Itoa(page))
		} else {
			f.RegisterAlias(e.alias, "—") // replaced when the heading is printed
		}
		p.ensure(7)
		y := f.GetY()
		f.SetX(marginSide)
		f.CellFormat(w-30, 6.5, typo(t), "", 0, "L", false, e.link, "")
		f.CellFormat(30, 6.5, "page "+e.alias, "", 0, "R", false, e.link, "")
		f.SetDrawColor(200, 200, 200)
		f.Line(marginSide, y+6.5, marginSide+w, y+6.5)
		f.SetDrawColor(0, 0, 0)
		f.SetXY(marginSide, y+7)
	}
	f.Ln(2)
}

// Nil prints a prominent framed word (« Néant ») and a line under it: an
// empty list that is still signed.
func (p *PDF) Nil(word, text string) {
	f := p.f
	const h = 32.0
	p.ensure(h + 4)
	f.Ln(2)
	y := f.GetY()
	w := p.innerWidth()
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.6)
	f.Rect(marginSide, y, w, h, "D")
	f.SetLineWidth(0.2)
	f.SetFont(fontFamily, "B", 30)
	f.SetXY(marginSide, y+5)
	f.CellFormat(w, 14, word, "", 0, "C", false, 0, "")
	f.SetFont(fontFamily, "", 10)
	f.SetXY(marginSide, y+21)
	f.CellFormat(w, 6, text, "", 0, "C", false, 0, "")
	f.SetXY(marginSide, y+h+2)
}

// Figure is one key number of a dashboard.
type Figure struct {
	Label  string
	Value  string
	Change string // e.g. « ▲ 5 », printed beside the value; "" for none
}

// Figures prints key numbers as a row of boxes (four per line).
func (p *PDF) Figures(figs []Figure) {
	f := p.f
	const perLine, boxH, gap = 4, 13.5, 3.0
	w := (p.innerWidth() - gap*(perLine-1)) / perLine
	for i := 0; i < len(figs); i += perLine {
		p.ensure(boxH + 2)
		y := f.GetY()
		for j := i; j < len(figs) && j < i+perLine; j++ {
			x := marginSide + float64(j-i)*(w+gap)
			f.SetFillColor(236, 241, 248)
			f.SetDrawColor(40, 70, 120)
			f.Rect(x, y, w, boxH, "FD")
			f.SetDrawColor(0, 0, 0)
			f.SetFont(fontFamily, "B", 13)
			f.SetXY(x, y+1.5)
			value := figs[j].Value
			if figs[j].Change != "" {
				value += "   " + figs[j].Change
			}
			f.CellFormat(w, 7, p.fit(value, w), "", 0, "C", false, 0, "")
			f.SetFont(fontFamily, "", 7.5)
			f.SetXY(x, y+8.5)
			f.CellFormat(w, 4, p.fit(figs[j].Label, w), "", 0, "C", false, 0, "")
		}
		f.SetXY(marginSide, y+boxH+2.5)
	}
}

// Column is one column of a PDF table.
type Column struct {
	Header string
	Weight float64 // relative width; the columns share the page's width
	Align  string  // "L" (default), "C" or "R"
}

// Table is a table to print: headers repeat on every page, long text wraps
// inside its cell.
type Table struct {
	Columns  []Column
	Rows     [][]string
	FontSize float64 // default 8
	Empty    string  // printed instead of the table when it has no row
	// KeepWithLast is the height (mm) of what must follow the last row on
	// the same page (a signature block): the last rows move to a new page
	// with it rather than leave it alone.
	KeepWithLast float64
}

// keptRows is how many of a table's last rows go with what KeepWithLast
// keeps after them, when they move to a new page together.
const keptRows = 3

// Table prints t, breaking pages between rows and repeating the header.
func (p *PDF) Table(t Table) {
	f := p.f
	if len(t.Rows) == 0 {
		if t.Empty != "" {
			p.Note(t.Empty)
		}
		return
	}
	size := t.FontSize
	if size == 0 {
		size = 8
	}
	lineH := size * 0.45
	total := 0.0
	for _, c := range t.Columns {
		total += c.Weight
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = p.innerWidth() * c.Weight / total
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Header
	}
	layout := func(cells []string, bold bool, maxH float64) ([][]string, float64) {
		style := ""
		if bold {
			style = "B"
		}
		f.SetFont(fontFamily, style, size)
		lines := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			if i >= len(widths) {
				break
			}
			lines[i] = p.split(c, widths[i])
			if len(lines[i]) > n {
				n = len(lines[i])
			}
		}
		if maxLines := int((maxH - 2*cellPad) / lineH); maxH > 0 && n > maxLines {
			// A cell taller than a page is cut, visibly.
			n = maxLines
			for i := range lines {
				if len(lines[i]) > n {
					lines[i] = append(lines[i][:n-1:n-1], p.fit(lines[i][n-1]+"…", widths[i]))
				}
			}
		}
		return lines, float64(n)*lineH + 2*cellPad
	}
	drawRow := func(cells []string, bold, fill bool, maxH float64) float64 {
		lines, rowH := layout(cells, bold, maxH)
		if f.GetY()+rowH > p.pageBottom() {
			return -rowH
		}
		x, y := marginSide, f.GetY()
		for i := range widths {
			if fill {
				f.SetFillColor(220, 228, 240)
				f.Rect(x, y, widths[i], rowH, "FD")
			} else {
				f.Rect(x, y, widths[i], rowH, "D")
			}
			align := t.Columns[i].Align
			if align == "" || bold {
				align = "L"
			}
			for j, l := range lines[i] {
				f.SetXY(x, y+cellPad+float64(j)*lineH)
				f.CellFormat(widths[i], lineH, l, "", 0, align, false, 0, "")
			}
			x += widths[i]
		}
		f.SetXY(marginSide, y+rowH)
		return rowH
	}
	maxRowH := func() float64 { return p.pageBottom() - marginTop - 20 }
	f.SetDrawColor(160, 160, 160)
	f.SetLineWidth(0.15)
	defer func() { f.SetDrawColor(0, 0, 0); f.SetLineWidth(0.2) }()
	tail := len(t.Rows) // the first of the rows kept with what follows
	tailH := t.KeepWithLast
	if t.KeepWithLast > 0 {
		_, headH := layout(header, true, maxRowH())
		room := p.pageBottom() - marginTop - headH
		for tail > 0 && len(t.Rows)-tail < keptRows {
			_, h := layout(t.Rows[tail-1], false, maxRowH())
			if tailH+h > room {
				break
			}
			tail--
			tailH += h
		}
		if tail == 0 {
			p.ensure(headH + tailH)
		}
	}
	p.ensure(4*lineH + 6*cellPad) // a two-line header and two rows (less than what Subheading keeps)
	if drawRow(header, true, true, maxRowH()) < 0 {
		f.AddPage()
		drawRow(header, true, true, maxRowH())
	}
	for i, r := range t.Rows {
		if i == tail && f.GetY()+tailH > p.pageBottom() && i > 0 {
			f.AddPage()
			drawRow(header, true, true, maxRowH())
		}
		if drawRow(r, false, false, maxRowH()) < 0 {
			f.AddPage()
			drawRow(header, true, true, maxRowH())
			drawRow(r, false, false, maxRowH())
		}
	}
	f.Ln(2)
}

// split wraps s to width w at the current font; a word longer than w is cut.
func (p *PDF) split(s string, w float64) []string {
	s = typo(strings.ReplaceAll(s, "\r", ""))
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if para == "" {
			out = append(out, "")
			continue
		}
		out = append(out, p.f.SplitText(para, w)...)
	}
	return out
}

// signatureHeight is the height of SignatureBlock's box; a table the block
// follows keeps keptSignature millimetres for it after its last rows.
const (
	signatureHeight = 45.0
	keptSignature   = signatureHeight + 8
)

// SignatureBlock prints the block a director fills in by hand.
func (p *PDF) SignatureBlock(lines ...string) {
	f := p.f
	const h = signatureHeight
	p.ensure(h + 4)
	f.Ln(4)
	y := f.GetY()
	w := p.innerWidth()
	f.SetDrawColor(0, 0, 0)
	f.Rect(marginSide, y, w, h, "D")
	f.SetFont(fontFamily, "B", 10)
	f.SetXY(marginSide+3, y+3)
	f.CellFormat(w/2, 6, "Nom du directeur / de la directrice :", "", 0, "L", false, 0, "")
	f.SetXY(marginSide+3, y+14)
	f.CellFormat(w/2, 6, "Date :", "", 0, "L", false, 0, "")
	f.SetXY(marginSide+w/2+3, y+3)
	f.CellFormat(w/2-6, 6, "Signature :", "", 0, "L", false, 0, "")
	f.SetDrawColor(150, 150, 150)
	f.Line(marginSide+3, y+11, marginSide+w/2-3, y+11)
	f.Line(marginSide+3, y+22, marginSide+w/2-3, y+22)
	f.Line(marginSide+w/2, y+3, marginSide+w/2, y+h-3)
	f.SetDrawColor(0, 0, 0)
	f.SetFont(fontFamily, "", 8)
	f.SetXY(marginSide+3, y+27)
	for _, l := range lines {
		f.SetX(marginSide + 3)
		f.MultiCell(w/2-6, 4, typo(l), "", "L", false)
	}
	f.SetXY(marginSide, y+h+2)
}

// Bytes renders the document.
func (p *PDF) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := p.f.Output(&b); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return b.Bytes(), nil
}

// WriteFile renders the document to path atomically, mode 0600.
func (p *PDF) WriteFile(path string) error {
	b, err := p.Bytes()
	if err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
