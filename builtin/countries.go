package builtin

import "strings"

// country is what we know about a country code beyond the code itself.
type country struct {
	name      string // English short name
	continent string // two-letter continent code: AF AN AS EU NA OC SA
	inEU      bool   // a European Union member state
}

// euMembers are the 27 member states of the European Union (since 1 February
// 2020). Their outermost regions that have ISO codes of their own (GF, GP,
// MQ, RE, YT, MF) are not marked: the codes name territories, not states.
const euMembers = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"

// countryFacts is ISO 3166-1 alpha-2 code, English short name and continent
// for every code the data uses (and XK, the user-assigned code for Kosovo,
// which DB-IP uses). Written from the ISO 3166-1 list and the UN
// geoscheme's continents, with Russia in Europe and Cyprus and Turkey in
// Asia.
const countryFacts = `AD Andorra EU
AE United Arab Emirates AS
AF Afghanistan AS
AG Antigua and Barbuda NA
AI Anguilla NA
AL Albania EU
AM Armenia AS
AO Angola AF
AQ Antarctica AN
AR Argentina SA
AS American Samoa OC
AT Austria EU
AU Australia OC
AW Aruba NA
AX Åland Islands EU
AZ Azerbaijan AS
BA Bosnia and Herzegovina EU
BB Barbados NA
BD Bangladesh AS
BE Belgium EU
BF Burkina Faso AF
BG Bulgaria EU
BH Bahrain AS
BI Burundi AF
BJ Benin AF
BL Saint Barthélemy NA
BM Bermuda NA
BN Brunei AS
BO Bolivia SA
BQ Bonaire, Sint Eustatius and Saba NA
BR Brazil SA
BS Bahamas NA
BT Bhutan AS
BV Bouvet Island AN
BW Botswana AF
BY Belarus EU
BZ Belize NA
CA Canada NA
CC Cocos (Keeling) Islands AS
CD DR Congo AF
CF Central African Republic AF
CG Congo Republic AF
CH Switzerland EU
CI Ivory Coast AF
CK Cook Islands OC
CL Chile SA
CM Cameroon AF
CN China AS
CO Colombia SA
CR Costa Rica NA
CU Cuba NA
CV Cabo Verde AF
CW Curaçao NA
CX Christmas Island AS
CY Cyprus AS
CZ Czechia EU
DE Germany EU
DJ Djibouti AF
DK Denmark EU
DM Dominica NA
DO Dominican Republic NA
DZ Algeria AF
EC Ecuador SA
EE Estonia EU
EG Egypt AF
EH Western Sahara AF
ER Eritrea AF
ES Spain EU
ET Ethiopia AF
FI Finland EU
FJ Fiji OC
FK Falkland Islands SA
FM Micronesia OC
FO Faroe Islands EU
FR France EU
GA Gabon AF
GB United Kingdom EU
GD Grenada NA
GE Georgia AS
GF French Guiana SA
GG Guernsey EU
GH Ghana AF
GI Gibraltar EU
GL Greenland NA
GM Gambia AF
GN Guinea AF
GP Guadeloupe NA
GQ Equatorial Guinea AF
GR Greece EU
GS South Georgia and the South Sandwich Islands AN
GT Guatemala NA
GU Guam OC
GW Guinea-Bissau AF
GY Guyana SA
HK Hong Kong AS
HM Heard Island and McDonald Islands AN
HN Honduras NA
HR Croatia EU
HT Haiti NA
HU Hungary EU
ID Indonesia AS
IE Ireland EU
IL Israel AS
IM Isle of Man EU
IN India AS
IO British Indian Ocean Territory AS
IQ Iraq AS
IR Iran AS
IS Iceland EU
IT Italy EU
JE Jersey EU
JM Jamaica NA
JO Jordan AS
JP Japan AS
KE Kenya AF
KG Kyrgyzstan AS
KH Cambodia AS
KI Kiribati OC
KM Comoros AF
KN Saint Kitts and Nevis NA
KP North Korea AS
KR South Korea AS
KW Kuwait AS
KY Cayman Islands NA
KZ Kazakhstan AS
LA Laos AS
LB Lebanon AS
LC Saint Lucia NA
LI Liechtenstein EU
LK Sri Lanka AS
LR Liberia AF
LS Lesotho AF
LT Lithuania EU
LU Luxembourg EU
LV Latvia EU
LY Libya AF
MA Morocco AF
MC Monaco EU
MD Moldova EU
ME Montenegro EU
MF Saint Martin NA
MG Madagascar AF
MH Marshall Islands OC
MK North Macedonia EU
ML Mali AF
MM Myanmar AS
MN Mongolia AS
MO Macao AS
MP Northern Mariana Islands OC
MQ Martinique NA
MR Mauritania AF
MS Montserrat NA
MT Malta EU
MU Mauritius AF
MV Maldives AS
MW Malawi AF
MX Mexico NA
MY Malaysia AS
MZ Mozambique AF
NA Namibia AF
NC New Caledonia OC
NE Niger AF
NF Norfolk Island OC
NG Nigeria AF
NI Nicaragua NA
NL Netherlands EU
NO Norway EU
NP Nepal AS
NR Nauru OC
NU Niue OC
NZ New Zealand OC
OM Oman AS
PA Panama NA
PE Peru SA
PF French Polynesia OC
PG Papua New Guinea OC
PH Philippines AS
PK Pakistan AS
PL Poland EU
PM Saint Pierre and Miquelon NA
PN Pitcairn Islands OC
PR Puerto Rico NA
PS Palestine AS
PT Portugal EU
PW Palau OC
PY Paraguay SA
QA Qatar AS
RE Réunion AF
RO Romania EU
RS Serbia EU
RU Russia EU
RW Rwanda AF
SA Saudi Arabia AS
SB Solomon Islands OC
SC Seychelles AF
SD Sudan AF
SE Sweden EU
SG Singapore AS
SH Saint Helena AF
SI Slovenia EU
SJ Svalbard and Jan Mayen EU
SK Slovakia EU
SL Sierra Leone AF
SM San Marino EU
SN Senegal AF
SO Somalia AF
SR Suriname SA
SS South Sudan AF
ST São Tomé and Príncipe AF
SV El Salvador NA
SX Sint Maarten NA
SY Syria AS
SZ Eswatini AF
TC Turks and Caicos Islands NA
TD Chad AF
TF French Southern Territories AN
TG Togo AF
TH Thailand AS
TJ Tajikistan AS
TK Tokelau OC
TL Timor-Leste OC
TM Turkmenistan AS
TN Tunisia AF
TO Tonga OC
TR Turkey AS
TT Trinidad and Tobago NA
TV Tuvalu OC
TW Taiwan AS
TZ Tanzania AF
UA Ukraine EU
UG Uganda AF
UM U.S. Outlying Islands OC
US United States NA
UY Uruguay SA
UZ Uzbekistan AS
VA Vatican City EU
VC Saint Vincent and the Grenadines NA
VE Venezuela SA
VG British Virgin Islands NA
VI U.S. Virgin Islands NA
VN Vietnam AS
VU Vanuatu OC
WF Wallis and Futuna OC
WS Samoa OC
XK Kosovo EU
YE Yemen AS
YT Mayotte AF
ZA South Africa AF
ZM Zambia AF
ZW Zimbabwe AF`

// countryByCode returns the facts for an ISO code, and false for a code
// not in the table (the Geo then carries the code alone).
func countryByCode(code string) (country, bool) {
	for line := range strings.Lines(countryFacts) {
		line = strings.TrimSuffix(line, "\n")
		if !strings.HasPrefix(line, code+" ") {
			continue
		}
		name := line[3 : len(line)-3]
		cont := line[len(line)-2:]
		return country{name: name, continent: cont, inEU: strings.Contains(euMembers, code)}, true
	}
	return country{}, false
}
