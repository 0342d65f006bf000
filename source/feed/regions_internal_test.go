package feed

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
)

// cloudRegions lists the (region, network border group) pairs of a cloud
// range file, global scopes left out, by reading the JSON independently of
// the parser.
func cloudRegions(t *testing.T, f Format, data []byte) [][2]string {
	t.Helper()
	var doc struct {
		Prefixes     []map[string]string `json:"prefixes"`
		IPv6Prefixes []map[string]string `json:"ipv6_prefixes"`
		Values       []struct {
			Properties struct {
				Region string `json:"region"`
			} `json:"properties"`
		} `json:"values"`
		Regions []struct {
			Region string `json:"region"`
		} `json:"regions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	switch f {
	case AWS:
		for _, p := range append(doc.Prefixes, doc.IPv6Prefixes...) {
			if p["region"] != "GLOBAL" && p["region"] != "x" { // "x": the fixture's malformed row
				out = append(out, [2]string{p["region"], p["network_border_group"]})
			}
		}
	case GCP:
		for _, p := range doc.Prefixes {
			if p["scope"] != "global" {
				out = append(out, [2]string{p["scope"], ""})
			}
		}
	case Azure:
		for _, v := range doc.Values {
			if v.Properties.Region != "" {
				out = append(out, [2]string{v.Properties.Region, ""})
			}
		}
	case Oracle:
		for _, r := range doc.Regions {
			out = append(out, [2]string{r.Region, ""})
		}
	}
	return out
}

// TestRegionTableCoversFixtures: every region that occurs in the cloud
// fixtures maps to a country, except the one zone the fixture names to
// check that an unknown metro gives no location.
func TestRegionTableCoversFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		f    Format
	}{{"aws.json", AWS}, {"aws-zones.json", AWS}, {"gcp.json", GCP}, {"azure.json", Azure}, {"oracle.json", Oracle}} {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		regions := cloudRegions(t, tc.f, data)
		if len(regions) == 0 {
			t.Fatalf("%s: no regions", tc.file)
		}
		for _, r := range regions {
			pl, ok := regionPlace(tc.f, r[0], r[1])
			if r[1] == "us-east-1-zzz-1" {
				if ok {
					t.Errorf("%s: unknown zone %s mapped to %+v", tc.file, r[1], pl)
				}
				continue
			}
			if !ok || len(pl.country) != 2 {
				t.Errorf("%s: region %s (%s) does not map", tc.file, r[0], r[1])
			}
		}
	}
}

// TestRegionTableWellFormed: every entry has an upper-case ISO 3166-1
// alpha-2 code.
func TestRegionTableWellFormed(t *testing.T) {
	for name, m := range map[string]map[string]place{"aws": awsRegions, "aws zones": awsZones, "gcp": gcpRegions, "oracle": oracleRegions, "azure": azureRegions} {
		for region, pl := range m {
			if len(pl.country) != 2 || strings.ToUpper(pl.country) != pl.country || !isAlpha(pl.country) {
				t.Errorf("%s %s: country %q", name, region, pl.country)
			}
		}
	}
}

// TestRegionTableRealData counts, on the providers' real range files,
// the prefixes whose region the tables place, and lists the regions they
// do not know. New regions appear over time and Azure lists staging
// regions (usstagec, usstagee): at least 95 % must map.
func TestRegionTableRealData(t *testing.T) {
	for _, tc := range []struct {
		file string
		f    Format
	}{{"aws-ip-ranges.json", AWS}, {"google-cloud-ip-ranges.json", GCP}, {"microsoft-azure-ip-ranges.json", Azure}, {"oracle-cloud-ip-ranges.json", Oracle}} {
		data, err := os.ReadFile(realdata.Path(t, "femueller-cloud-ip-ranges", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		regions := cloudRegions(t, tc.f, data)
		var unknown []string
		mapped := 0
		for _, r := range regions {
			if _, ok := regionPlace(tc.f, r[0], r[1]); ok {
				mapped++
			} else if name := r[0] + " " + r[1]; !slices.Contains(unknown, name) {
				unknown = append(unknown, name)
			}
		}
		slices.Sort(unknown)
		share := float64(mapped) / float64(len(regions))
		t.Logf("%s: %d of %d regional entries placed (%.2f %%); unknown: %q", tc.file, mapped, len(regions), 100*share, unknown)
		if share < 0.95 {
			t.Errorf("%s: only %.2f %% of the regional entries placed", tc.file, 100*share)
		}
	}
}
