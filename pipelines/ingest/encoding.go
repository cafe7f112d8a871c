package ingest

import "fmt"

// mixCheck watches the raw bytes of a file read as Windows-1252 for lines
// that are valid UTF-8 with accents: a file holding both (an export
// appended to another) would have every accent of one kind garbled
// silently. It tracks, per physical line, whether the line breaks UTF-8 and
// whether it holds a well-formed multi-byte UTF-8 sequence.
type mixCheck struct {
	line             int64
	need             int  // continuation bytes still expected
	lineBad, lineUTF bool // the current line breaks UTF-8 / holds a UTF-8 accent
	firstBad         int64
	sawUTF8          bool
}

func (m *mixCheck) Write(p []byte) (int, error) {
	for _, b := range p {
		if m.need > 0 {
			if b&0xC0 == 0x80 {
				if m.need--; m.need == 0 {
					m.lineUTF = true
				}
				continue
			}
			m.need, m.lineBad = 0, true
		}
		switch {
		case b == '\n':
			m.endLine()
		case b < 0x80:
		case b >= 0xC2 && b <= 0xDF:
			m.need = 1
		case b >= 0xE0 && b <= 0xEF:
			m.need = 2
		case b >= 0xF0 && b <= 0xF4:
			m.need = 3
		default:
			m.lineBad = true
		}
	}
	return len(p), nil
}

func (m *mixCheck) endLine() {
	if m.need > 0 {
		m.need, m.lineBad = 0, true
	}
	if m.lineBad && m.firstBad == 0 {
		m.firstBad = m.line
	}
	m.sawUTF8 = m.sawUTF8 || m.lineUTF
	m.line++
	m.lineBad, m.lineUTF = false, false
}

// verdict refuses a file where both encodings appear, naming the first line
// that breaks UTF-8.
func (m *mixCheck) verdict(file string) error {
	m.endLine()
	if m.sawUTF8 && m.firstBad > 0 {
		return &FileError{File: file, Line: m.firstBad, Reason: fmt.Sprintf("cette ligne n'est pas en UTF-8 alors que d'autres lignes du fichier le sont : " +
			"le fichier mélange UTF-8 et Windows-1252 et ses accents seraient mal lus ; réenregistrez-le entièrement dans un seul encodage")}
	}
	return nil
}
