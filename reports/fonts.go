package reports

import _ "embed"

// DejaVu Sans covers every accent of French (and far more); it is embedded so
// that a PDF prints the same on every machine. License: fonts/LICENSE
// (Bitstream Vera license, DejaVu changes in the public domain).
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const fontFamily = "dejavu"
