package feed

import (
	"strings"

	"github.com/ipintel/ipintel/source"
)

// Cloud regions to countries (and cities where the provider names one),
// written by hand from each provider's public list of its regions. A cloud
// provider's range file gives the region of each of its own prefixes: that
// is the network's own statement of where the prefix is, so it fills
// Record.Geo with Authoritative set, like an RFC 8805 geofeed row. A region
// missing from these tables (a new one, an internal one such as GCP's
// us-central2, a staging one) gives no location rather than a guess; the
// global scopes (AWS "GLOBAL", GCP "global", an Azure tag with no region)
// have none.

// place is where a region is: an ISO 3166-1 alpha-2 country and, where
// the provider names one, a city.
type place struct{ country, city string }

// awsRegions: AWS regions.
// Reference: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
var awsRegions = map[string]place{
	"us-east-1":      {"US", ""}, // N. Virginia
	"us-east-2":      {"US", ""}, // Ohio
	"us-west-1":      {"US", ""}, // N. California
	"us-west-2":      {"US", ""}, // Oregon
	"us-gov-east-1":  {"US", ""},
	"us-gov-west-1":  {"US", ""},
	"af-south-1":     {"ZA", "Cape Town"},
	"ap-east-1":      {"HK", "Hong Kong"},
	"ap-east-2":      {"TW", "Taipei"},
	"ap-northeast-1": {"JP", "Tokyo"},
	"ap-northeast-2": {"KR", "Seoul"},
	"ap-northeast-3": {"JP", "Osaka"},
	"ap-south-1":     {"IN", "Mumbai"},
	"ap-south-2":     {"IN", "Hyderabad"},
	"ap-southeast-1": {"SG", "Singapore"},
	"ap-southeast-2": {"AU", "Sydney"},
	"ap-southeast-3": {"ID", "Jakarta"},
	"ap-southeast-4": {"AU", "Melbourne"},
	"ap-southeast-5": {"MY", ""}, // Malaysia
	"ap-southeast-6": {"NZ", ""}, // New Zealand
	"ap-southeast-7": {"TH", ""}, // Thailand
	"ca-central-1":   {"CA", ""}, // Canada (Central)
	"ca-west-1":      {"CA", "Calgary"},
	"cn-north-1":     {"CN", "Beijing"},
	"cn-northwest-1": {"CN", ""}, // Ningxia
	"eu-central-1":   {"DE", "Frankfurt"},
	"eu-central-2":   {"CH", "Zurich"},
	"eu-north-1":     {"SE", "Stockholm"},
	"eu-south-1":     {"IT", "Milan"},
	"eu-south-2":     {"ES", ""}, // Spain
	"eu-west-1":      {"IE", ""}, // Ireland
	"eu-west-2":      {"GB", "London"},
	"eu-west-3":      {"FR", "Paris"},
	"eusc-de-east-1": {"DE", ""}, // AWS European Sovereign Cloud, Brandenburg
	"il-central-1":   {"IL", "Tel Aviv"},
	"me-central-1":   {"AE", ""}, // UAE
	"me-south-1":     {"BH", ""}, // Bahrain
	"mx-central-1":   {"MX", ""}, // Mexico (Central)
	"sa-east-1":      {"BR", "São Paulo"},
}

// awsZones: the metro codes of AWS Local Zones and Wavelength Zones, which
// appear in network_border_group ("us-east-1-bue-1", "eu-central-1-wl1-
// ber-wlz-1"). A zone can be in another country than its parent region
// (us-east-1-bue-1 is Buenos Aires), so a network border group whose code
// is not here gives no location.
// Reference: https://aws.amazon.com/about-aws/global-infrastructure/localzones/locations/
var awsZones = map[string]place{
	"akl": {"NZ", "Auckland"}, "atl": {"US", "Atlanta"}, "ber": {"DE", "Berlin"},
	"bkk": {"TH", "Bangkok"}, "bna": {"US", "Nashville"}, "bos": {"US", "Boston"},
	"bue": {"AR", "Buenos Aires"}, "ccu": {"IN", "Kolkata"}, "chi": {"US", "Chicago"},
	"cjj": {"KR", "Daejeon"}, "clt": {"US", "Charlotte"}, "cph": {"DK", "Copenhagen"},
	"del": {"IN", "Delhi"}, "den": {"US", "Denver"}, "dfw": {"US", "Dallas"},
	"dtm": {"DE", "Dortmund"}, "dtw": {"US", "Detroit"}, "ham": {"DE", "Hamburg"},
	"hel": {"FI", "Helsinki"}, "hnl": {"US", "Honolulu"}, "iah": {"US", "Houston"},
	"kix": {"JP", "Osaka"}, "las": {"US", "Las Vegas"}, "lax": {"US", "Los Angeles"},
	"lim": {"PE", "Lima"}, "los": {"NG", "Lagos"}, "man": {"GB", "Manchester"},
	"mci": {"US", "Kansas City"}, "mct": {"OM", "Muscat"}, "mia": {"US", "Miami"},
	"mnl": {"PH", "Manila"}, "msp": {"US", "Minneapolis"}, "muc": {"DE", "Munich"},
	"nrt": {"JP", "Tokyo"}, "nyc": {"US", "New York"}, "pdx": {"US", "Portland"},
	"per": {"AU", "Perth"}, "phl": {"US", "Philadelphia"}, "phx": {"US", "Phoenix"},
	"pkx": {"CN", "Beijing"}, "qro": {"MX", "Querétaro"}, "scl": {"CL", "Santiago"},
	"sea": {"US", "Seattle"}, "sfo": {"US", "San Francisco"}, "sin": {"SG", "Singapore"},
	"tpa": {"US", "Tampa"}, "tpe": {"TW", "Taipei"}, "waw": {"PL", "Warsaw"},
	"was": {"US", "Washington"},
}

// gcpRegions: Google Cloud regions (the scope of cloud.json).
// Reference: https://cloud.google.com/compute/docs/regions-zones
var gcpRegions = map[string]place{
	"africa-south1":           {"ZA", "Johannesburg"},
	"asia-east1":              {"TW", "Changhua County"},
	"asia-east2":              {"HK", "Hong Kong"},
	"asia-northeast1":         {"JP", "Tokyo"},
	"asia-northeast2":         {"JP", "Osaka"},
	"asia-northeast3":         {"KR", "Seoul"},
	"asia-south1":             {"IN", "Mumbai"},
	"asia-south2":             {"IN", "Delhi"},
	"asia-southeast1":         {"SG", "Jurong West"},
	"asia-southeast2":         {"ID", "Jakarta"},
	"australia-southeast1":    {"AU", "Sydney"},
	"australia-southeast2":    {"AU", "Melbourne"},
	"europe-central2":         {"PL", "Warsaw"},
	"europe-north1":           {"FI", "Hamina"},
	"europe-north2":           {"SE", "Stockholm"},
	"europe-southwest1":       {"ES", "Madrid"},
	"europe-west1":            {"BE", "St. Ghislain"},
	"europe-west2":            {"GB", "London"},
	"europe-west3":            {"DE", "Frankfurt"},
	"europe-west4":            {"NL", "Eemshaven"},
	"europe-west6":            {"CH", "Zurich"},
	"europe-west8":            {"IT", "Milan"},
	"europe-west9":            {"FR", "Paris"},
	"europe-west10":           {"DE", "Berlin"},
	"europe-west12":           {"IT", "Turin"},
	"me-central1":             {"QA", "Doha"},
	"me-central2":             {"SA", "Dammam"},
	"me-west1":                {"IL", "Tel Aviv"},
	"northamerica-northeast1": {"CA", "Montréal"},
	"northamerica-northeast2": {"CA", "Toronto"},
	"northamerica-south1":     {"MX", "Querétaro"},
	"southamerica-east1":      {"BR", "São Paulo"},
	"southamerica-west1":      {"CL", "Santiago"},
	"us-central1":             {"US", "Council Bluffs"},
	"us-east1":                {"US", "Moncks Corner"},
	"us-east4":                {"US", "Ashburn"},
	"us-east5":                {"US", "Columbus"},
	"us-south1":               {"US", "Dallas"},
	"us-west1":                {"US", "The Dalles"},
	"us-west2":                {"US", "Los Angeles"},
	"us-west3":                {"US", "Salt Lake City"},
	"us-west4":                {"US", "Las Vegas"},
	// In the file but not in the public list: in the US by their names.
	"us-central2": {"US", ""},
	"us-east7":    {"US", ""},
	"us-west8":    {"US", ""},
}

// oracleRegions: Oracle Cloud Infrastructure regions (the region
// identifier names the city).
// Reference: https://docs.oracle.com/en-us/iaas/Content/General/Concepts/regions.htm
var oracleRegions = map[string]place{
	"af-johannesburg-1": {"ZA", "Johannesburg"},
	"ap-batam-1":        {"ID", "Batam"},
	"ap-chuncheon-1":    {"KR", "Chuncheon"},
	"ap-hyderabad-1":    {"IN", "Hyderabad"},
	"ap-melbourne-1":    {"AU", "Melbourne"},
	"ap-mumbai-1":       {"IN", "Mumbai"},
	"ap-osaka-1":        {"JP", "Osaka"},
	"ap-seoul-1":        {"KR", "Seoul"},
	"ap-singapore-1":    {"SG", "Singapore"},
	"ap-singapore-2":    {"SG", "Singapore"},
	"ap-sydney-1":       {"AU", "Sydney"},
	"ap-tokyo-1":        {"JP", "Tokyo"},
	"ca-montreal-1":     {"CA", "Montreal"},
	"ca-toronto-1":      {"CA", "Toronto"},
	"eu-amsterdam-1":    {"NL", "Amsterdam"},
	"eu-frankfurt-1":    {"DE", "Frankfurt"},
	"eu-jovanovac-1":    {"RS", "Jovanovac"},
	"eu-madrid-1":       {"ES", "Madrid"},
	"eu-marseille-1":    {"FR", "Marseille"},
	"eu-milan-1":        {"IT", "Milan"},
	"eu-paris-1":        {"FR", "Paris"},
	"eu-stockholm-1":    {"SE", "Stockholm"},
	"eu-zurich-1":       {"CH", "Zurich"},
	"il-jerusalem-1":    {"IL", "Jerusalem"},
	"me-abudhabi-1":     {"AE", "Abu Dhabi"},
	"me-dubai-1":        {"AE", "Dubai"},
	"me-jeddah-1":       {"SA", "Jeddah"},
	"me-riyadh-1":       {"SA", "Riyadh"},
	"mx-monterrey-1":    {"MX", "Monterrey"},
	"mx-queretaro-1":    {"MX", "Querétaro"},
	"sa-bogota-1":       {"CO", "Bogotá"},
	"sa-santiago-1":     {"CL", "Santiago"},
	"sa-saopaulo-1":     {"BR", "São Paulo"},
	"sa-valparaiso-1":   {"CL", "Valparaíso"},
	"sa-vinhedo-1":      {"BR", "Vinhedo"},
	"uk-cardiff-1":      {"GB", "Newport"}, // UK West (Newport)
	"uk-london-1":       {"GB", "London"},
	"us-abilene-1":      {"US", "Abilene"},
	"us-ashburn-1":      {"US", "Ashburn"},
	"us-boardman-1":     {"US", "Boardman"},
	"us-chicago-1":      {"US", "Chicago"},
	"us-dallas-1":       {"US", "Dallas"},
	"us-phoenix-1":      {"US", "Phoenix"},
	"us-saltlake-2":     {"US", "Salt Lake City"},
	"us-sanjose-1":      {"US", "San Jose"},
}

// azureRegions: Microsoft Azure regions (properties.region of a Service
// Tag, lower-case, no spaces). Azure names a state or area for most US
// regions, not a city: those have the country alone.
// Reference: https://learn.microsoft.com/en-us/azure/reliability/regions-list
var azureRegions = map[string]place{
	"australiacentral":   {"AU", "Canberra"},
	"australiacentral2":  {"AU", "Canberra"},
	"australiaeast":      {"AU", ""}, // New South Wales
	"australiasoutheast": {"AU", ""}, // Victoria
	"austriaeast":        {"AT", "Vienna"},
	"brazilne":           {"BR", ""}, // Brazil Northeast
	"brazilsouth":        {"BR", ""}, // São Paulo State
	"brazilse":           {"BR", "Rio de Janeiro"},
	"canadacentral":      {"CA", "Toronto"},
	"canadaeast":         {"CA", "Quebec City"},
	"centralfrance":      {"FR", "Paris"},
	"centralindia":       {"IN", "Pune"},
	"centralus":          {"US", ""}, // Iowa
	"centraluseuap":      {"US", ""},
	"chilec":             {"CL", "Santiago"},
	"eastasia":           {"HK", "Hong Kong"},
	"eastus":             {"US", ""}, // Virginia
	"eastus2":            {"US", ""}, // Virginia
	"eastus2euap":        {"US", ""},
	"germanyn":           {"DE", "Berlin"},
	"germanywc":          {"DE", "Frankfurt"},
	"indonesiacentral":   {"ID", "Jakarta"},
	"israelcentral":      {"IL", ""},
	"israelnorthwest":    {"IL", ""},
	"italynorth":         {"IT", "Milan"},
	"japaneast":          {"JP", "Tokyo"},
	"japanwest":          {"JP", "Osaka"},
	"jioindiacentral":    {"IN", "Nagpur"},
	"jioindiawest":       {"IN", "Jamnagar"},
	"koreacentral":       {"KR", "Seoul"},
	"koreasouth":         {"KR", "Busan"},
	"malaysiasouth":      {"MY", ""},
	"malaysiawest":       {"MY", "Kuala Lumpur"},
	"mexicocentral":      {"MX", "Querétaro"},
	"newzealandnorth":    {"NZ", "Auckland"},
	"northcentralus":     {"US", ""}, // Illinois
	"northeurope":        {"IE", ""}, // Ireland
	"norwaye":            {"NO", "Oslo"},
	"norwayw":            {"NO", "Stavanger"},
	"polandcentral":      {"PL", "Warsaw"},
	"qatarcentral":       {"QA", "Doha"},
	"southafricanorth":   {"ZA", "Johannesburg"},
	"southafricawest":    {"ZA", "Cape Town"},
	"southcentralus":     {"US", ""}, // Texas
	"southcentralus2":    {"US", ""},
	"southeastus":        {"US", ""},
	"southeastasia":      {"SG", "Singapore"},
	"southfrance":        {"FR", "Marseille"},
	"southindia":         {"IN", "Chennai"},
	"spaincentral":       {"ES", "Madrid"},
	"swedencentral":      {"SE", "Gävle"},
	"swedensouth":        {"SE", "Staffanstorp"},
	"switzerlandn":       {"CH", "Zurich"},
	"switzerlandw":       {"CH", "Geneva"},
	"taiwannorth":        {"TW", ""},
	"taiwannorthwest":    {"TW", ""},
	"uaecentral":         {"AE", "Abu Dhabi"},
	"uaenorth":           {"AE", "Dubai"},
	"uksouth":            {"GB", "London"},
	"ukwest":             {"GB", "Cardiff"},
	"westcentralus":      {"US", ""}, // Wyoming
	"westeurope":         {"NL", ""}, // Netherlands
	"westindia":          {"IN", "Mumbai"},
	"westus":             {"US", ""}, // California
	"westus2":            {"US", ""}, // Washington
	"westus3":            {"US", ""}, // Arizona
}

// regionPlace returns where a cloud region is, and false when the table
// does not know it. For AWS, border is the prefix's network_border_group:
// a Local or Wavelength Zone's metro code is looked up first.
func regionPlace(f Format, region, border string) (place, bool) {
	switch f {
	case AWS:
		if border != "" && border != region {
			// "<region>-<metro>-<n>" or "<region>-wl1-<metro>-wlz-1".
			rest, ok := strings.CutPrefix(border, region+"-")
			if !ok {
				return place{}, false
			}
			rest = strings.TrimPrefix(rest, "wl1-")
			rest = strings.TrimPrefix(rest, "wl2-")
			metro, _, _ := strings.Cut(rest, "-")
			if metro == "sggov" { // Singapore government zones
				metro = "sin"
			}
			p, ok := awsZones[metro]
			return p, ok
		}
		p, ok := awsRegions[region]
		return p, ok
	case GCP:
		p, ok := gcpRegions[region]
		return p, ok
	case Oracle:
		p, ok := oracleRegions[region]
		return p, ok
	case Azure:
		p, ok := azureRegions[strings.ToLower(region)]
		return p, ok
	}
	return place{}, false
}

// regionGeo returns the shared, authoritative location of a cloud region,
// or nil when it is not known.
func (p *parser) regionGeo(f Format, region, border string) *source.Geo {
	pl, ok := regionPlace(f, region, border)
	if !ok {
		return nil
	}
	return p.internGeo(source.Geo{CountryCode: pl.country, City: pl.city, Authoritative: true})
}
