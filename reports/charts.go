package reports

import (
	"math"
	"sort"
)

// Charts are drawn as vectors with gofpdf: they stay sharp when printed, and
// their labels are text a search (or pdftotext) finds.

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label string
	Value float64 // in the chart's unit
	Text  string  // printed after the bar, e.g. « 12,5 % (3/24) »
}

var palette = [][3]int{
	{40, 70, 120}, {214, 96, 77}, {90, 160, 90}, {230, 170, 50}, {120, 90, 160},
	{70, 160, 170}, {180, 80, 140}, {130, 130, 130}, {160, 120, 60}, {60, 110, 200},
}

// BarChart draws horizontal bars, one per label; max is the value of a full
// bar (the largest value when 0). Long charts continue on the next page.
func (p *PDF) BarChart(title string, bars []Bar, max float64) {
	f := p.f
	if len(bars) == 0 {
		return
	}
	if max <= 0 {
		for _, b := range bars {
			max = math.Max(max, b.Value)
		}
		if max <= 0 {
			max = 1
		}
	}
	// Bars are 5.5 mm high, thinner (down to 4.5 mm) to fit the rest of
	// this page, or else start a new page where they may get as thin as
	// 3.6 mm to fit on it; a longer chart continues on the next page.
	const titleH = 8.0
	n := float64(len(bars))
	rowH := math.Min(5.5, (p.pageBottom()-f.GetY()-titleH-3)/n)
	if rowH < 4.5 {
		pageH := p.pageBottom() - marginTop - titleH - 3
		rowH = math.Max(math.Min(5.5, pageH/n), 3.6)
		if f.GetY() > marginTop+1 {
			f.AddPage()
		}
	}
	fontSize := math.Min(7.5, rowH*1.6)
	labelW := p.innerWidth() * 0.32
	textW := 32.0
	barW := p.innerWidth() - labelW - textW - 2
	p.Subheading(title)
	for i, b := range bars {
		if f.GetY()+rowH > p.pageBottom() {
			f.AddPage()
			p.Subheading(title + " (suite)")
		}
		y := f.GetY()
		f.SetFont(fontFamily, "", fontSize)
		f.SetXY(marginSide, y)
		f.CellFormat(labelW, rowH, p.fit(b.Label, labelW), "", 0, "R", false, 0, "")
		f.SetFillColor(235, 235, 235)
		pad := rowH * 0.18
		f.Rect(marginSide+labelW+1, y+pad, barW, rowH-2*pad, "F")
		c := palette[i%1]
		f.SetFillColor(c[0], c[1], c[2])
		if w := barW * math.Min(math.Max(b.Value, 0)/max, 1); w > 0 {
			f.Rect(marginSide+labelW+1, y+pad, w, rowH-2*pad, "F")
		}
		f.SetXY(marginSide+labelW+barW+2, y)
		f.CellFormat(textW, rowH, p.fit(b.Text, textW), "", 0, "L", false, 0, "")
		f.SetXY(marginSide, y+rowH)
	}
	f.Ln(3)
}

// RankedBarChart draws the bars sorted by value, the highest first (or the
// lowest first, when low is what a reader must act on), at most limit of
// them (all when limit is 0); the title says the order and what was left
// out.
func (p *PDF) RankedBarChart(title string, bars []Bar, highFirst bool, limit int) {
	bars = append([]Bar(nil), bars...)
	sort.SliceStable(bars, func(i, j int) bool {
		if highFirst {
			return bars[i].Value > bars[j].Value
		}
		return bars[i].Value < bars[j].Value
	})
	order := ", du plus bas au plus élevé"
	if highFirst {
		order = ", du plus élevé au plus bas"
	}
	if n := len(bars); limit > 0 && n > limit {
		bars = bars[:limit]
		order += " (les " + frInt(int64(limit)) + " premiers sur " + frInt(int64(n)) + " ; le tableau les donne tous)"
	}
	p.BarChart(title+order, bars, 1)
}

// Series is one stacked series of a column chart.
type Series struct {
	Name   string
	Values []float64 // one per category
}

// ColumnChart draws stacked columns, one per category (e.g. a week), with a
// legend naming the series.
func (p *PDF) ColumnChart(title string, categories []string, series []Series) {
	f := p.f
	if len(categories) == 0 || len(series) == 0 {
		return
	}
	const axisW, labelH = 12.0, 7.0
	perRow := max(int(p.innerWidth()/50), 1) // legend cells wide enough for « USR Comptes utilisateurs »
	legendRows := (len(series) + perRow - 1) / perRow
	// The plot is 32 mm high, down to 24 mm to stay on this page.
	around := labelH + 12 + float64(legendRows)*5
	chartH := math.Min(32, p.pageBottom()-p.f.GetY()-around)
	if chartH < 24 {
		chartH = 32
		p.ensure(chartH + around)
	}
	p.Subheading(title)
	max := 0.0
	for i := range categories {
		sum := 0.0
		for _, s := range series {
			if i < len(s.Values) {
				sum += s.Values[i]
			}
		}
		max = math.Max(max, sum)
	}
	step := niceStep(max)
	top := math.Ceil(max/step) * step
	if top == 0 {
		top = step
	}
	x0, y0 := marginSide+axisW, f.GetY()+2
	w := p.innerWidth() - axisW
	f.SetFont(fontFamily, "", 7)
	f.SetDrawColor(200, 200, 200)
	for v := 0.0; v <= top+step/2; v += step {
		y := y0 + chartH - chartH*v/top
		f.Line(x0, y, x0+w, y)
		f.SetXY(marginSide, y-2)
		f.CellFormat(axisW-1, 4, frNumber(v), "", 0, "R", false, 0, "")
	}
	f.SetDrawColor(0, 0, 0)
	slot := w / float64(len(categories))
	colW := math.Min(slot*0.6, 18)
	for i, cat := range categories {
		x := x0 + slot*float64(i) + (slot-colW)/2
		y := y0 + chartH
		for k, s := range series {
			if i >= len(s.Values) || s.Values[i] <= 0 {
				continue
			}
			h := chartH * s.Values[i] / top
			c := palette[k%len(palette)]
			f.SetFillColor(c[0], c[1], c[2])
			f.Rect(x, y-h, colW, h, "F")
			y -= h
		}
		f.SetXY(x0+slot*float64(i), y0+chartH+1)
		f.CellFormat(slot, 4, p.fit(cat, slot), "", 0, "C", false, 0, "")
	}
	y := y0 + chartH + labelH
	lw := p.innerWidth() / float64(perRow)
	for k, s := range series {
		lx := marginSide + float64(k%perRow)*lw
		ly := y + float64(k/perRow)*5
		c := palette[k%len(palette)]
		f.SetFillColor(c[0], c[1], c[2])
		f.Rect(lx, ly+0.8, 3, 3, "F")
		f.SetXY(lx+4, ly)
		f.CellFormat(lw-5, 4.5, p.fit(s.Name, lw-5), "", 0, "L", false, 0, "")
	}
	f.SetXY(marginSide, y+float64(legendRows)*5+3)
}

// niceStep picks a round grid step for values up to max.
func niceStep(max float64) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return math.Max(m*mag, 1)
		}
	}
	return 10 * mag
}
