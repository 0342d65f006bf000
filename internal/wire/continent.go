package wire

import "strings"

// continents are the seven continent codes (as GeoIP2 uses them) and the
// names VectraIP's geo.continent documents ("Asia").
var continents = [...]struct{ code, name string }{
	{"AF", "Africa"}, {"AN", "Antarctica"}, {"AS", "Asia"}, {"EU", "Europe"},
	{"NA", "North America"}, {"OC", "Oceania"}, {"SA", "South America"},
}

// ContinentName returns the name of a two-letter continent code, or "" for
// anything else.
func ContinentName(code string) string {
	for _, c := range continents {
		if strings.EqualFold(code, c.code) {
			return c.name
		}
	}
	return ""
}

// ContinentCode returns the two-letter code of a continent name or code
// ("Asia", "asia", "AS"), or "" for anything else. "Australia" is Oceania.
func ContinentCode(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "Australia") {
		return "OC"
	}
	for _, c := range continents {
		if strings.EqualFold(s, c.name) || strings.EqualFold(s, c.code) {
			return c.code
		}
	}
	return ""
}
