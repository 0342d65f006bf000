package snapshot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// OutputFile is the name of the encoded snapshot in the data directory.
const OutputFile = "snapshot.bin"

// Sources are the npm packages the snapshot is built from: one country
// dataset and one AS dataset. Their versions are pinned in the committed
// data/manifest.json (the generator's -fetch asks the registry for newer
// ones). Their licences and the attribution they require are repeated in
// the repository's NOTICE file.
//
// The country dataset was chosen by measuring every country dataset the
// registry offers against what networks publish about their own prefixes
// (RFC 8805 geofeeds, a cloud's region per prefix): see TestCountryCandidates
// in the builtin package and BENCHMARKS.md. geo-whois-asn-country (RIR
// geofeeds first, then RIR whois, then the AS's registered country) agreed
// on 98.4% of those prefixes, DB-IP's country lite on 57.3%; a vote of the
// datasets with any priority order did no better than it alone.
var Sources = []Upstream{
	{
		Dataset: "geo-whois-asn-country", Kind: KindCountry, Package: "@ip-location-db/geo-whois-asn-country",
		License: "CC0 1.0; NRO data CC BY 4.0",
		Attribution: "Country by ip-location-db's geo-whois-asn-country (https://github.com/sapics/ip-location-db), " +
			"CC0 1.0, merged from published geofeeds, the five RIRs' WHOIS data and IP-ASN-country statistics " +
			"provided by the Number Resource Organization (https://www.nro.net) under CC BY 4.0",
	},
	{
		Dataset: "asn", Kind: KindASN, Package: "@ip-location-db/asn",
		License: "CC BY 4.0",
		Attribution: "RouteViews (https://www.routeviews.org) IP to AS Number data, the five RIRs' statistics " +
			"via NRO (https://www.nro.net), and DB-IP (https://db-ip.com) IP to ASN Lite, each licensed under " +
			"CC BY 4.0; merged by ip-location-db (https://github.com/sapics/ip-location-db)",
	},
}

// TarballName is the file name npm pack writes for pkg@version:
// "@scope/name" becomes "scope-name-version.tgz".
func TarballName(pkg, version string) string {
	return strings.ReplaceAll(strings.TrimPrefix(pkg, "@"), "/", "-") + "-" + version + ".tgz"
}

// maxTarFile bounds one file read from a tarball.
const maxTarFile = 1 << 30

// Generate reads the tarballs of Sources, at the versions given by package
// name, from dir and returns the encoded snapshot and its manifest.
func Generate(dir string, versions map[string]string) ([]byte, *Manifest, error) {
	m := &Manifest{}
	in := Input{Countries: NewDict[string](), Networks: NewDict[Network]()}
	var newest time.Time
	kinds := map[string]bool{}
	for _, p := range Sources {
		if kinds[p.Kind] {
			return nil, nil, fmt.Errorf("%w: two %s datasets", ErrBadInput, p.Kind)
		}
		kinds[p.Kind] = true
		p.Version = versions[p.Package]
		if p.Version == "" {
			return nil, nil, fmt.Errorf("%w: no version given for %s", ErrBadInput, p.Package)
		}
		p.Tarball = TarballName(p.Package, p.Version)
		raw, err := os.ReadFile(filepath.Join(dir, p.Tarball))
		if err != nil {
			return nil, nil, fmt.Errorf("%w (fetch it with: npm pack %s@%s)", err, p.Package, p.Version)
		}
		sum := sha256.Sum256(raw)
		p.SHA256 = hex.EncodeToString(sum[:])
		files, err := Untar(raw, ".csv")
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p.Tarball, err)
		}
		r4, r6 := &in.ASN4, &in.ASN6
		if p.Kind == KindCountry {
			r4, r6 = &in.Country4, &in.Country6
		}
		for _, f := range []struct {
			v6   bool
			dst  *[]Range
			rows *int
		}{{false, r4, &p.Rows4}, {true, r6, &p.Rows6}} {
			name := fmt.Sprintf("package/%s-ipv%d.csv", p.Dataset, map[bool]int{false: 4, true: 6}[f.v6])
			body, ok := files[name]
			if !ok {
				return nil, nil, fmt.Errorf("%s: no %s", p.Tarball, name)
			}
			if p.Kind == KindCountry {
				*f.dst, err = ParseCountryCSV(bytes.NewReader(body), f.v6, in.Countries)
			} else {
				*f.dst, err = ParseASNCSV(bytes.NewReader(body), f.v6, in.Networks)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", p.Tarball, name, err)
			}
			if len(*f.dst) == 0 {
				return nil, nil, fmt.Errorf("%w: %s %s has no rows", ErrBadInput, p.Tarball, name)
			}
			*f.rows = len(*f.dst)
		}
		built, err := Built(p.Version)
		if err != nil {
			return nil, nil, err
		}
		if built.After(newest) {
			newest = built
		}
		m.Inputs = append(m.Inputs, p)
	}
	snap, err := Build(in)
	if err != nil {
		return nil, nil, err
	}
	m.Snapshot = newest.Format(time.DateOnly)
	m.Counts = CountsOf(snap)
	snap.Manifest = m
	data, err := Encode(snap)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(data)
	m.Output = &Output{File: OutputFile, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])}
	return data, m, nil
}

// MarshalManifest returns m as indented JSON ending in a newline.
func MarshalManifest(m *Manifest) ([]byte, error) {
	js, err := json.MarshalIndent(m, "", "  ")
	return append(js, '\n'), err
}

// Untar returns the regular files of a gzipped tarball whose names end in
// ext (".csv"), by name.
func Untar(raw []byte, ext string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || filepath.Ext(h.Name) != ext {
			continue
		}
		body, err := io.ReadAll(io.LimitReader(tr, maxTarFile))
		if err != nil {
			return nil, err
		}
		files[h.Name] = body
	}
}
