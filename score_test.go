package ipintel

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ipintel/ipintel/source"
)

func TestKindSlots(t *testing.T) {
	for k := source.VPN; k.Valid(); k++ {
		if int(k) >= kindSlots {
			t.Fatalf("kind %v (%d) does not fit kindSlots=%d", k, k, kindSlots)
		}
		if reasonInfo[k].code == "" {
			t.Errorf("kind %v has no reason code", k)
		}
		if _, ok := defaultWeights[k]; !ok {
			t.Errorf("kind %v has no default weight", k)
		}
	}
}

// TestDefaultScorerGolden pins the default scorer: changing a weight or a
// band is a visible, deliberate change of this table.
func TestDefaultScorerGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		signals []source.Signal
		score   int
		level   Level
		rec     Recommendation
		reasons string // code:points, largest first
	}{
		{"nothing", nil, 0, LevelLow, Allow, ""},
		{"tor exit", []source.Signal{sig(source.Tor, 100, "")}, 90, LevelCritical, Block, "TOR_EXIT:90"},
		{"vpn", []source.Signal{sig(source.VPN, 100, "NordVPN")}, 65, LevelHigh, Verify, "VPN:65"},
		{"public proxy", []source.Signal{sig(source.Proxy, 100, "")}, 75, LevelHigh, Verify, "PUBLIC_PROXY:75"},
		{"residential proxy", []source.Signal{sig(source.ResidentialProxy, 100, "")}, 80, LevelHigh, Verify, "RESIDENTIAL_PROXY:80"},
		{"abuse", []source.Signal{sig(source.Abuse, 100, "")}, 85, LevelCritical, Block, "ABUSE:85"},
		{"hosting", []source.Signal{sig(source.Hosting, 100, "AWS")}, 45, LevelMedium, Allow, "HOSTING:45"},
		{"private relay", []source.Signal{sig(source.Relay, 100, "Apple")}, 10, LevelLow, Allow, "PRIVATE_RELAY:10"},
		{"monitoring probe", []source.Signal{sig(source.Monitoring, 100, "UptimeRobot")}, 5, LevelLow, Allow, "MONITORING:5"},
		{"monitoring on hosting", []source.Signal{sig(source.Monitoring, 100, "Pingdom"), sig(source.Hosting, 100, "AWS")}, 48, LevelMedium, Allow, "HOSTING:44 MONITORING:4"},
		{"monitoring on a vpn range stays allow", []source.Signal{sig(source.Monitoring, 90, "Pingdom"), sig(source.VPN, 100, "")}, 67, LevelHigh, Allow, "VPN:64 MONITORING:3"},
		{"vpn on hosting", []source.Signal{sig(source.VPN, 95, "NordVPN"), sig(source.Hosting, 90, "M247")}, 77, LevelHigh, Verify, "VPN:50 HOSTING:27"},
		{"tor and vpn", []source.Signal{sig(source.Tor, 100, ""), sig(source.VPN, 100, "")}, 97, LevelCritical, Block, "TOR_EXIT:67 VPN:30"},
		{"two weak beat nothing, lose to one certain", []source.Signal{sig(source.VPN, 40, ""), sig(source.Proxy, 40, "")}, 48, LevelMedium, Allow, "PUBLIC_PROXY:26 VPN:22"},
		{"strongest signal of a kind counts once", []source.Signal{sig(source.VPN, 100, "A"), sig(source.VPN, 30, "B")}, 65, LevelHigh, Verify, "VPN:65"},
		{"provider risk", []source.Signal{sig(source.ProviderRisk, 80, "")}, 40, LevelMedium, Allow, "PROVIDER_RISK:40"},
		{"zero confidence", []source.Signal{sig(source.Tor, 0, "")}, 0, LevelLow, Allow, "TOR_EXIT:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{Signals: tc.signals}
			for i := range r.Signals {
				r.Signals[i].Source = "test"
			}
			sortSignals(r.Signals)
			risk := defaultScorer.Score(r)
			got := ""
			sum := 0
			for i, rs := range risk.Reasons {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%s:%d", rs.Code, rs.Points)
				sum += rs.Points
			}
			if risk.Score != tc.score || risk.Level != tc.level || risk.Recommendation != tc.rec || got != tc.reasons {
				t.Errorf("got score %d %s %s [%s]; want %d %s %s [%s]", risk.Score, risk.Level, risk.Recommendation, got,
					tc.score, tc.level, tc.rec, tc.reasons)
			}
			if sum != risk.Score {
				t.Errorf("reason points add up to %d, score is %d", sum, risk.Score)
			}
			if risk.TrustScore != 100-risk.Score {
				t.Errorf("TrustScore = %d", risk.TrustScore)
			}
		})
	}
}

func TestScorerFigures(t *testing.T) {
	score := func(signals ...source.Signal) Risk {
		return defaultScorer.Score(&Result{Signals: signals})
	}
	clean := score()
	if clean.ResidentialTrust != 100 || clean.FraudProbability != 0 || clean.SyntheticTrafficProbability != 0 {
		t.Errorf("clean address figures: %+v", clean)
	}
	probe := score(sig(source.Monitoring, 100, "UptimeRobot"), sig(source.Hosting, 100, ""))
	if probe.SyntheticTrafficProbability < 90 || probe.Recommendation != Allow {
		t.Errorf("monitoring probe: synthetic %d, %s", probe.SyntheticTrafficProbability, probe.Recommendation)
	}
	vpn := score(sig(source.VPN, 80, ""))
	if vpn.VPNConfidence != 80 || vpn.ResidentialTrust != 20 {
		t.Errorf("vpn figures: %+v", vpn)
	}
	dc := score(sig(source.Hosting, 70, ""))
	if dc.DatacenterRisk != 70 || dc.BotProbability <= 0 {
		t.Errorf("hosting figures: %+v", dc)
	}
	tor := score(sig(source.Tor, 100, ""))
	if tor.AbuseProbability != 60 || tor.FraudProbability != 90 {
		t.Errorf("tor figures: %+v", tor)
	}
	// Monotone: adding a signal never lowers the score.
	if a, b := score(sig(source.VPN, 50, "")), score(sig(source.VPN, 50, ""), sig(source.Relay, 10, "")); b.Score < a.Score {
		t.Errorf("adding a signal lowered the score: %d → %d", a.Score, b.Score)
	}
}

func TestScorerOptions(t *testing.T) {
	s, err := NewWeightedScorer(WithKindWeight(source.Hosting, 0), WithLevelBands(10, 20, 30), WithThresholds(40, 60))
	if err != nil {
		t.Fatal(err)
	}
	r := s.Score(&Result{Signals: []source.Signal{sig(source.Hosting, 100, ""), sig(source.VPN, 100, "")}})
	if r.Score != 65 || r.Level != LevelCritical || r.Recommendation != Block {
		t.Errorf("custom scorer: %d %s %s", r.Score, r.Level, r.Recommendation)
	}
	if len(r.Reasons) != 2 || r.Reasons[1].Code != "HOSTING" || r.Reasons[1].Points != 0 {
		t.Errorf("a zero-weight kind is still a reason, with no points: %+v", r.Reasons)
	}
	for _, o := range []ScorerOption{
		WithKindWeight(0, 0.5), WithKindWeight(source.VPN, 1.5), WithKindWeight(source.VPN, -0.1),
		WithLevelBands(50, 40, 90), WithLevelBands(0, 10, 20), WithLevelBands(10, 20, 101),
		WithThresholds(60, 50), WithThresholds(0, 10), WithThresholds(10, 102),
	} {
		if _, err := NewWeightedScorer(o); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("bad scorer option accepted: %v", err)
		}
	}
}
