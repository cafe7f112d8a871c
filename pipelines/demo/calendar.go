package demo

// Civil dates as day numbers: the generator handles millions of dates, and a
// plain integer is cheaper to add, compare and format than a time.Time.

// day is a civil date: the number of days since 1970-01-01.
type day int32

// noDay marks an empty date.
const noDay day = -1 << 30

// mkday returns the day of y-m-d (proleptic Gregorian; Howard Hinnant's
// days_from_civil).
func mkday(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// ymd returns the year, month and day of d.
func (d day) ymd() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// addMonths adds n calendar months, the day clamped to the month's end
// (31 Jan + 1 month = 28 or 29 Feb), as rules.md counts them.
func (d day) addMonths(n int) day {
	y, m, dd := d.ymd()
	t := y*12 + (m - 1) + n
	y, m = t/12, t%12+1
	if dd > daysIn(y, m) {
		dd = daysIn(y, m)
	}
	return mkday(y, m, dd)
}

// addYears adds n years; 29 February becomes 28 February in other years.
func (d day) addYears(n int) day { return d.addMonths(12 * n) }

// weekday returns 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
func (d day) weekday() int {
	w := (int(d) + 3) % 7
	if w < 0 {
		w += 7
	}
	return w
}

// monthIndex returns y*12 + m-1, to walk months.
func (d day) monthIndex() int {
	y, m, _ := d.ymd()
	return y*12 + m - 1
}

// ageAt returns the completed years at d of a person born on birth. Someone
// born on 29 February has a birthday on 1 March in other years.
func ageAt(birth, d day) int {
	by, bm, bd := birth.ymd()
	y, m, dd := d.ymd()
	age := y - by
	if bm == 2 && bd == 29 && !isLeap(y) {
		bm, bd = 3, 1
	}
	if m < bm || (m == bm && dd < bd) {
		age--
	}
	return age
}
