package ipintel

import (
	"testing"

	"github.com/ipintel/ipintel/source"
)

// TestScorerFiguresGolden pins the default scorer's VectraIP figures, each
// an int 0–100 as VectraIP documents them (fraud, bot, abuse, datacenter,
// vpn confidence, residential trust, synthetic traffic): changing how one
// is derived is a visible, deliberate change of this table.
func TestScorerFiguresGolden(t *testing.T) {
	for _, tc := range []struct {
		name                                       string
		signals                                    []source.Signal
		fraud, bot, abuse, dc, vpn, trust, synthet int
	}{
		{"nothing", nil, 0, 0, 0, 0, 0, 100, 0},
		{"tor exit", []source.Signal{sig(source.Tor, 100, "")}, 90, 0, 60, 0, 0, 0, 0},
		{"vpn 80", []source.Signal{sig(source.VPN, 80, "")}, 52, 0, 0, 0, 80, 20, 0},
		{"hosting 70", []source.Signal{sig(source.Hosting, 70, "")}, 31, 28, 0, 70, 0, 30, 21},
		{"monitoring probe on hosting", []source.Signal{sig(source.Monitoring, 100, "UptimeRobot"), sig(source.Hosting, 100, "")}, 48, 94, 0, 100, 0, 0, 97},
		{"private relay", []source.Signal{sig(source.Relay, 100, "Apple")}, 10, 0, 0, 0, 0, 80, 0},
		{"bot", []source.Signal{sig(source.Bot, 100, "")}, 60, 100, 0, 0, 0, 100, 80},
		{"proxy and abuse", []source.Signal{sig(source.Proxy, 100, ""), sig(source.Abuse, 50, "")}, 86, 0, 75, 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := defaultScorer.Score(&Result{Signals: tc.signals})
			got := [7]int{r.FraudProbability, r.BotProbability, r.AbuseProbability, r.DatacenterRisk, r.VPNConfidence,
				r.ResidentialTrust, r.SyntheticTrafficProbability}
			want := [7]int{tc.fraud, tc.bot, tc.abuse, tc.dc, tc.vpn, tc.trust, tc.synthet}
			if got != want {
				t.Errorf("fraud, bot, abuse, datacenter, vpn, residential trust, synthetic = %v, want %v", got, want)
			}
			if r.FraudProbability != r.Score {
				t.Errorf("fraud_probability %d differs from the score %d it is the probability of", r.FraudProbability, r.Score)
			}
		})
	}
}
