package builtin

// network is one entry of the curated table of hosting, CDN and mobile
// networks: an operator, the autonomous systems it runs, what they are,
// and a public reference for that (the operator's own page saying what
// its business is).
type network struct {
	asns     []uint32
	class    netClass // classHosting, classCDN or classMobile
	provider string   // the operator, as Reasons and Signals name it
	ref      string
}

// knownNetworks is the curated table of hosting, CDN and mobile networks,
// written by hand from public facts: who holds each autonomous system (the
// regional registries' records) and what the holder sells (its own page,
// each entry's ref). An AS belongs here only when most of its address
// space is the class named: a cloud, a hosting or dedicated-server
// company, a colocation data centre, a CDN. Big mixed networks (a national
// carrier's fixed and mobile access in one AS, transit carriers that also
// run data centres) are left out. Tor, VPN and relay operators, and
// hosting known for VPN exits, are in knownOperators, each with its
// confidence.
var knownNetworks = []network{
	// Clouds.
	{[]uint32{16509, 14618, 8987, 38895}, classHosting, "Amazon Web Services", "https://aws.amazon.com/"},
	{[]uint32{396982}, classHosting, "Google Cloud", "https://cloud.google.com/"},
	{[]uint32{15169, 19527, 139070, 36492, 43515, 139190}, classHosting, "Google", "https://about.google/"},
	{[]uint32{8075, 12076}, classHosting, "Microsoft Azure", "https://azure.microsoft.com/"},
	{[]uint32{8068, 8069, 8070, 3598, 35106, 200517}, classHosting, "Microsoft", "https://www.microsoft.com/"},
	{[]uint32{31898}, classHosting, "Oracle Cloud", "https://www.oracle.com/cloud/"},
	{[]uint32{792}, classHosting, "Oracle", "https://www.oracle.com/"},
	{[]uint32{36351}, classHosting, "IBM Cloud (SoftLayer)", "https://www.ibm.com/cloud"},
	{[]uint32{45102, 37963}, classHosting, "Alibaba Cloud", "https://www.alibabacloud.com/"},
	{[]uint32{132203, 45090}, classHosting, "Tencent Cloud", "https://www.tencentcloud.com/"},
	{[]uint32{136907}, classHosting, "Huawei Cloud", "https://www.huaweicloud.com/"},
	{[]uint32{135377}, classHosting, "UCloud", "https://www.ucloud.cn/"},
	{[]uint32{200350}, classHosting, "Yandex Cloud", "https://yandex.cloud/"},
	{[]uint32{14061, 393406}, classHosting, "DigitalOcean", "https://www.digitalocean.com/"},
	{[]uint32{63949}, classHosting, "Linode (Akamai)", "https://www.linode.com/"},
	{[]uint32{20473}, classHosting, "Vultr", "https://www.vultr.com/"},
	{[]uint32{54825}, classHosting, "Equinix Metal", "https://deploy.equinix.com/"},
	{[]uint32{40509}, classHosting, "Fly.io", "https://fly.io/"},

	// Hosting, dedicated servers and colocation: Europe.
	{[]uint32{24940, 213230, 212317}, classHosting, "Hetzner", "https://www.hetzner.com/"},
	{[]uint32{16276, 35540}, classHosting, "OVHcloud", "https://www.ovhcloud.com/"},
	{[]uint32{12876}, classHosting, "Scaleway", "https://www.scaleway.com/"},
	{[]uint32{51167, 40021, 141995}, classHosting, "Contabo", "https://contabo.com/"},
	{[]uint32{8560}, classHosting, "IONOS", "https://www.ionos.com/"},
	{[]uint32{6724}, classHosting, "Strato", "https://www.strato.de/"},
	{[]uint32{20773}, classHosting, "Host Europe", "https://www.hosteurope.de/"},
	{[]uint32{197540}, classHosting, "netcup", "https://www.netcup.com/"},
	{[]uint32{61157}, classHosting, "PlusServer", "https://www.plusserver.com/"},
	{[]uint32{24961}, classHosting, "myLoc (WIIT)", "https://www.myloc.de/"},
	{[]uint32{29066}, classHosting, "velia.net", "https://www.velia.net/"},
	{[]uint32{44066}, classHosting, "firstcolo", "https://www.firstcolo.net/"},
	{[]uint32{12586}, classHosting, "GHOSTnet", "https://www.ghostnet.de/"},
	{[]uint32{25291}, classHosting, "SysEleven", "https://www.syseleven.de/"},
	{[]uint32{60781, 16265, 28753, 30633, 59253, 7203, 395954, 396190, 32613, 27411, 396362, 134351}, classHosting, "Leaseweb", "https://www.leaseweb.com/"},
	{[]uint32{43350}, classHosting, "NForce", "https://www.nforce.com/"},
	{[]uint32{49981}, classHosting, "WorldStream", "https://www.worldstream.com/"},
	{[]uint32{50673}, classHosting, "Serverius", "https://serverius.net/"},
	{[]uint32{49544}, classHosting, "i3D.net", "https://www.i3d.net/"},
	{[]uint32{29222}, classHosting, "Infomaniak", "https://www.infomaniak.com/"},
	{[]uint32{61098}, classHosting, "Exoscale", "https://www.exoscale.com/"},
	{[]uint32{202053}, classHosting, "UpCloud", "https://upcloud.com/"},
	{[]uint32{42708}, classHosting, "GleSYS", "https://glesys.com/"},
	{[]uint32{31034}, classHosting, "Aruba", "https://www.aruba.it/"},
	{[]uint32{21409}, classHosting, "Ikoula", "https://www.ikoula.com/"},
	{[]uint32{50474}, classHosting, "o2switch", "https://www.o2switch.fr/"},
	{[]uint32{13213}, classHosting, "UK2", "https://www.uk2.net/"},
	{[]uint32{20860}, classHosting, "iomart", "https://www.iomart.com/"},
	{[]uint32{19994, 27357, 15395, 33070}, classHosting, "Rackspace", "https://www.rackspace.com/"},
	{[]uint32{12824}, classHosting, "home.pl", "https://home.pl/"},
	{[]uint32{15967}, classHosting, "nazwa.pl", "https://www.nazwa.pl/"},
	{[]uint32{29522}, classHosting, "cyber_Folks", "https://cyberfolks.pl/"},
	{[]uint32{197019}, classHosting, "WEDOS", "https://www.wedos.com/"},
	{[]uint32{3223}, classHosting, "Voxility", "https://www.voxility.com/"},
	{[]uint32{20738}, classHosting, "Heart Internet", "https://www.heartinternet.uk/"},
	{[]uint32{57169}, classHosting, "EDIS", "https://www.edis.at/"},
	{[]uint32{200019}, classHosting, "AlexHost", "https://alexhost.com/"},
	{[]uint32{56630}, classHosting, "Melbicom (Melbikomas)", "https://melbicom.net/"},
	{[]uint32{49453}, classHosting, "Global Layer", "https://www.globallayer.com/"},
	{[]uint32{204601}, classHosting, "Zomro", "https://zomro.com/"},
	{[]uint32{201814}, classHosting, "MEVSPACE", "https://mevspace.com/"},
	{[]uint32{15694}, classHosting, "Atman", "https://www.atman.pl/"},
	{[]uint32{62005}, classHosting, "BlueVPS", "https://bluevps.com/"},
	{[]uint32{47583}, classHosting, "Hostinger", "https://www.hostinger.com/"},
	{[]uint32{49505}, classHosting, "Selectel", "https://selectel.ru/"},
	{[]uint32{9123}, classHosting, "Timeweb", "https://timeweb.cloud/"},
	{[]uint32{198610}, classHosting, "Beget", "https://beget.com/"},
	{[]uint32{197695}, classHosting, "REG.RU", "https://www.reg.ru/"},
	{[]uint32{57043}, classHosting, "HOSTKEY", "https://hostkey.com/"},
	{[]uint32{59642}, classHosting, "Cherry Servers", "https://www.cherryservers.com/"},
	{[]uint32{199524}, classHosting, "G-Core Labs", "https://gcore.com/"},
	{[]uint32{7979}, classHosting, "Servers.com", "https://www.servers.com/"},
	{[]uint32{51852}, classHosting, "Private Layer", "https://www.privatelayer.com/"},
	{[]uint32{44477}, classHosting, "Stark Industries", "https://stark-industries.solutions/"},
	{[]uint32{210644}, classHosting, "Aeza", "https://aeza.net/"},
	{[]uint32{200651}, classHosting, "FlokiNET", "https://flokinet.is/"},
	{[]uint32{210558}, classHosting, "1337 Services", "https://1337.services/"},

	// Hosting, dedicated servers and colocation: the Americas.
	{[]uint32{26496, 398101}, classHosting, "GoDaddy", "https://www.godaddy.com/"},
	{[]uint32{46606}, classHosting, "Unified Layer (Bluehost)", "https://www.bluehost.com/"},
	{[]uint32{22612}, classHosting, "Namecheap", "https://www.namecheap.com/"},
	{[]uint32{19871}, classHosting, "Network Solutions", "https://www.networksolutions.com/"},
	{[]uint32{26347}, classHosting, "DreamHost", "https://www.dreamhost.com/"},
	{[]uint32{55293}, classHosting, "A2 Hosting", "https://www.a2hosting.com/"},
	{[]uint32{22611}, classHosting, "InMotion Hosting", "https://www.inmotionhosting.com/"},
	{[]uint32{32244}, classHosting, "Liquid Web", "https://www.liquidweb.com/"},
	{[]uint32{33182}, classHosting, "HostDime", "https://www.hostdime.com/"},
	{[]uint32{54290}, classHosting, "Hostwinds (HostPapa)", "https://www.hostwinds.com/"},
	{[]uint32{20021}, classHosting, "Ntirety", "https://www.ntirety.com/"},
	{[]uint32{14992}, classHosting, "Newtek", "https://www.newtekone.com/"},
	{[]uint32{2635}, classHosting, "Automattic (WordPress.com)", "https://automattic.com/"},
	{[]uint32{58182}, classHosting, "Wix", "https://www.wix.com/"},
	{[]uint32{53831}, classHosting, "Squarespace", "https://www.squarespace.com/"},
	{[]uint32{36352}, classHosting, "ColoCrossing (HostPapa)", "https://www.colocrossing.com/"},
	{[]uint32{8100}, classHosting, "QuadraNet", "https://www.quadranet.com/"},
	{[]uint32{40676}, classHosting, "Psychz Networks", "https://www.psychz.net/"},
	{[]uint32{53667}, classHosting, "FranTech (BuyVM)", "https://buyvm.net/"},
	{[]uint32{29802, 61317}, classHosting, "Hivelocity", "https://www.hivelocity.net/"},
	{[]uint32{19318}, classHosting, "InterServer", "https://www.interserver.net/"},
	{[]uint32{46844}, classHosting, "Sharktech", "https://sharktech.net/"},
	{[]uint32{32475}, classHosting, "INAP (SingleHop)", "https://www.inap.com/"},
	{[]uint32{55286}, classHosting, "ServerMania (B2 Net Solutions)", "https://www.servermania.com/"},
	{[]uint32{35916}, classHosting, "Multacom", "https://www.multacom.com/"},
	{[]uint32{25820}, classHosting, "IT7 Networks", "https://www.it7.net/"},
	{[]uint32{18779}, classHosting, "EGIHosting", "https://www.egihosting.com/"},
	{[]uint32{22552}, classHosting, "eSited Solutions", "https://www.esited.com/"},
	{[]uint32{53755}, classHosting, "IOFLOOD (Input Output Flood)", "https://ioflood.com/"},
	{[]uint32{18978}, classHosting, "Enzu", "https://www.enzu.com/"},
	{[]uint32{46261}, classHosting, "QuickPacket", "https://www.quickpacket.com/"},
	{[]uint32{54489}, classHosting, "CoreSpace", "https://www.corespace.com/"},
	{[]uint32{23352}, classHosting, "Deft (Server Central)", "https://deft.com/"},
	{[]uint32{35908}, classHosting, "Krypt", "https://www.krypt.com/"},
	{[]uint32{10439}, classHosting, "CariNet", "https://www.carinet.com/"},
	{[]uint32{46562}, classHosting, "Performive", "https://www.performive.com/"},
	{[]uint32{14956}, classHosting, "RouterHosting (Cloudzy)", "https://cloudzy.com/"},
	{[]uint32{32097}, classHosting, "WholeSale Internet", "https://www.wholesaleinternet.net/"},
	{[]uint32{46475}, classHosting, "Limestone Networks", "https://www.limestonenetworks.com/"},
	{[]uint32{62904}, classHosting, "Eonix", "https://www.eonix.net/"},
	{[]uint32{19969}, classHosting, "Joe's Datacenter", "https://joesdatacenter.com/"},
	{[]uint32{23470}, classHosting, "ReliableSite", "https://www.reliablesite.net/"},
	{[]uint32{33387}, classHosting, "NOCIX", "https://www.nocix.net/"},
	{[]uint32{32748}, classHosting, "Steadfast", "https://www.steadfast.net/"},
	{[]uint32{32181}, classHosting, "GigeNET", "https://www.gigenet.com/"},
	{[]uint32{6364}, classHosting, "Atlantic.Net", "https://www.atlantic.net/"},
	{[]uint32{36007}, classHosting, "Kamatera", "https://www.kamatera.com/"},
	{[]uint32{63473}, classHosting, "HostHatch", "https://hosthatch.com/"},
	{[]uint32{35913}, classHosting, "DediPath", "https://dedipath.com/"},
	{[]uint32{262287}, classHosting, "Latitude.sh (Maxihost)", "https://www.latitude.sh/"},
	{[]uint32{27715}, classHosting, "Locaweb", "https://www.locaweb.com.br/"},
	{[]uint32{36236}, classHosting, "NetActuate", "https://www.netactuate.com/"},
	{[]uint32{27257}, classHosting, "Webair", "https://www.webair.com/"},
	{[]uint32{23033}, classHosting, "Wowrack", "https://www.wowrack.com/"},
	{[]uint32{22903}, classHosting, "DataBank", "https://www.databank.com/"},
	{[]uint32{64286}, classHosting, "LogicWeb", "https://www.logicweb.com/"},
	{[]uint32{21859}, classHosting, "Zenlayer", "https://www.zenlayer.com/"},

	// Hosting, dedicated servers and colocation: Asia, Africa, Oceania.
	{[]uint32{9370, 9371, 7684}, classHosting, "SAKURA internet", "https://www.sakura.ad.jp/"},
	{[]uint32{7506}, classHosting, "GMO Internet", "https://www.gmo.jp/"},
	{[]uint32{4694}, classHosting, "IDC Frontier", "https://www.idcf.jp/"},
	{[]uint32{133296}, classHosting, "Web Werks", "https://www.webwerks.in/"},
	{[]uint32{37153}, classHosting, "xneelo", "https://xneelo.co.za/"},

	// CDN and edge.
	{[]uint32{13335, 209242}, classCDN, "Cloudflare", "https://www.cloudflare.com/"},
	{[]uint32{54113}, classCDN, "Fastly", "https://www.fastly.com/"},
	{[]uint32{20940, 16625, 35994}, classCDN, "Akamai", "https://www.akamai.com/"},
	{[]uint32{15133}, classCDN, "Edgecast", "https://edg.io/"},
	{[]uint32{22822}, classCDN, "Edgio (Limelight)", "https://edg.io/"},
	{[]uint32{200325}, classCDN, "bunny.net", "https://bunny.net/"},
	{[]uint32{19551}, classCDN, "Imperva", "https://www.imperva.com/"},

	// Mobile carriers: autonomous systems used for mobile access.
	{[]uint32{21928}, classMobile, "T-Mobile US", "https://www.t-mobile.com/"},
	{[]uint32{22394}, classMobile, "Verizon Wireless", "https://www.verizon.com/"},
	{[]uint32{20057}, classMobile, "AT&T Mobility", "https://www.att.com/"},
	{[]uint32{45609}, classMobile, "Bharti Airtel", "https://www.airtel.in/"},
	{[]uint32{12576}, classMobile, "EE", "https://ee.co.uk/"},
	{[]uint32{206067}, classMobile, "Three UK", "https://www.three.co.uk/"},
	{[]uint32{16135}, classMobile, "Turkcell", "https://www.turkcell.com.tr/"},
	{[]uint32{33771}, classMobile, "Safaricom", "https://www.safaricom.co.ke/"},
	{[]uint32{29465}, classMobile, "MTN Nigeria", "https://www.mtn.ng/"},
	{[]uint32{23693}, classMobile, "Telkomsel", "https://www.telkomsel.com/"},
	{[]uint32{132199}, classMobile, "Globe Telecom", "https://www.globe.com.ph/"},
	{[]uint32{26615}, classMobile, "TIM Brasil", "https://www.tim.com.br/"},
}

// asClasses indexes knownNetworks by autonomous system.
var asClasses = func() map[uint32]asClass {
	m := make(map[uint32]asClass, 2*len(knownNetworks))
	for _, n := range knownNetworks {
		for _, asn := range n.asns {
			m[asn] = asClass{n.class, n.provider}
		}
	}
	return m
}()
