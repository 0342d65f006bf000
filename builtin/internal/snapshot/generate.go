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
	"time"
)

// OutputFile is the name of the encoded snapshot in the data directory.
const OutputFile = "snapshot.bin"

// Pinned are the npm packages the committed data is built from, at exact
// versions. Their licences and the attribution they require are repeated
// in the repository's NOTICE file.
var Pinned = []Upstream{
	{
		Dataset: "dbip-country", Package: "@ip-location-db/dbip-country", Version: "2.3.2026060120",
		Tarball: "ip-location-db-dbip-country-2.3.2026060120.tgz",
		License: "CC BY 4.0",
		Attribution: "IP Geolocation by DB-IP (https://db-ip.com), IP to Country Lite, " +
			"licensed under CC BY 4.0; packaged by ip-location-db (https://github.com/sapics/ip-location-db)",
	},
	{
		Dataset: "asn", Package: "@ip-location-db/asn", Version: "2.3.2026061719",
		Tarball: "ip-location-db-asn-2.3.2026061719.tgz",
		License: "CC BY 4.0",
		Attribution: "RouteViews (https://www.routeviews.org) IP to AS Number data, the five RIRs' statistics " +
			"via NRO (https://www.nro.net), and DB-IP (https://db-ip.com) IP to ASN Lite, each licensed under " +
			"CC BY 4.0; merged by ip-location-db (https://github.com/sapics/ip-location-db)",
	},
}

// maxCSV bounds one CSV file read from a tarball.
const maxCSV = 1 << 30

// Generate reads the pinned tarballs from dir and returns the encoded
// snapshot and its manifest.
func Generate(dir string) ([]byte, *Manifest, error) {
	m := &Manifest{}
	in := Input{Countries: NewDict[string](), Networks: NewDict[Network]()}
	var newest time.Time
	for _, p := range Pinned {
		raw, err := os.ReadFile(filepath.Join(dir, p.Tarball))
		if err != nil {
			return nil, nil, fmt.Errorf("%w (fetch it with: npm pack %s@%s)", err, p.Package, p.Version)
		}
		sum := sha256.Sum256(raw)
		p.SHA256 = hex.EncodeToString(sum[:])
		files, err := Untar(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p.Tarball, err)
		}
		var r4, r6 *[]Range
		switch p.Dataset {
		case "dbip-country":
			r4, r6 = &in.Country4, &in.Country6
		default:
			r4, r6 = &in.ASN4, &in.ASN6
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
			if p.Dataset == "dbip-country" {
				*f.dst, err = ParseCountryCSV(bytes.NewReader(body), f.v6, in.Countries)
			} else {
				*f.dst, err = ParseASNCSV(bytes.NewReader(body), f.v6, in.Networks)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", p.Tarball, name, err)
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
	data, err := Encode(snap)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(data)
	m.Snapshot = newest.Format(time.DateOnly)
	m.Output = Output{File: OutputFile, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])}
	m.Counts = CountsOf(snap)
	return data, m, nil
}

// MarshalManifest returns m as indented JSON ending in a newline.
func MarshalManifest(m *Manifest) ([]byte, error) {
	js, err := json.MarshalIndent(m, "", "  ")
	return append(js, '\n'), err
}

// Untar returns the regular files of a gzipped tarball by name.
func Untar(raw []byte) (map[string][]byte, error) {
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
		if h.Typeflag != tar.TypeReg || filepath.Ext(h.Name) != ".csv" {
			continue
		}
		body, err := io.ReadAll(io.LimitReader(tr, maxCSV))
		if err != nil {
			return nil, err
		}
		files[h.Name] = body
	}
}
