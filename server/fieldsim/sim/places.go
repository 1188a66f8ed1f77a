package sim

// place is a spot on a patrol route: a street or landmark in Medan with a
// position (WGS 84).
type place struct {
	area     string
	name     string
	lat, lon float64
}

// places are real streets and landmarks of Medan, with positions along
// them, grouped by the area a patrol covers.
var places = []place{
	{"Medan Petisah", "Jl. Gatot Subroto, depan Medan Fair", 3.5918, 98.6572},
	{"Medan Petisah", "Jl. Gatot Subroto, simpang Jl. Iskandar Muda", 3.5922, 98.6641},
	{"Medan Petisah", "Jl. Gatot Subroto, Sei Sikambing", 3.5906, 98.6452},
	{"Medan Petisah", "Pasar Petisah, Jl. Kota Baru", 3.5927, 98.6686},
	{"Medan Petisah", "Jl. Iskandar Muda, depan Masjid Raya Iskandar Muda", 3.5862, 98.6609},
	{"Medan Petisah", "Jl. Gajah Mada, simpang Jl. S. Parman", 3.5846, 98.6650},
	{"Medan Petisah", "Jl. Zainul Arifin, Kampung Keling", 3.5868, 98.6731},
	{"Medan Barat", "Lapangan Merdeka, sisi Jl. Balai Kota", 3.5906, 98.6776},
	{"Medan Barat", "Lapangan Merdeka, depan Stasiun Medan", 3.5899, 98.6799},
	{"Medan Barat", "Jl. Kapten Maulana Lubis, depan Kantor Wali Kota", 3.5914, 98.6746},
	{"Medan Barat", "Jl. Putri Hijau, depan Centre Point", 3.5968, 98.6790},
	{"Medan Barat", "Jl. Guru Patimpus", 3.5987, 98.6703},
	{"Medan Barat", "Jl. Adam Malik, simpang Jl. Glugur", 3.6055, 98.6721},
	{"Medan Barat", "Jl. Kolonel Yos Sudarso, Glugur Kota", 3.6148, 98.6788},
	{"Medan Barat", "Jl. Krakatau, Pulo Brayan", 3.6185, 98.6935},
	{"Medan Kota", "Jl. Ahmad Yani, Kesawan, depan Rumah Tjong A Fie", 3.5886, 98.6794},
	{"Medan Kota", "Jl. Ahmad Yani, simpang Jl. Palang Merah", 3.5871, 98.6801},
	{"Medan Kota", "Jl. Pemuda, depan Gedung Juang", 3.5845, 98.6815},
	{"Medan Kota", "Jl. Pandu, Pasar Hongkong", 3.5831, 98.6842},
	{"Medan Kota", "Jl. Sisingamangaraja, depan Masjid Raya Al-Mashun", 3.5752, 98.6873},
	{"Medan Kota", "Jl. Brigjend Katamso, depan Istana Maimun", 3.5754, 98.6836},
	{"Medan Kota", "Jl. Sisingamangaraja, simpang Jl. Amaliun", 3.5703, 98.6903},
	{"Medan Kota", "Jl. Sisingamangaraja, depan Stadion Teladan", 3.5626, 98.6931},
	{"Medan Kota", "Jl. Sisingamangaraja, Simpang Limun", 3.5588, 98.6949},
	{"Medan Kota", "Jl. Sisingamangaraja, Harjosari", 3.5523, 98.6978},
	{"Medan Kota", "Pasar Sukaramai, Jl. Arief Rahman Hakim", 3.5796, 98.6951},
	{"Medan Timur", "Pasar Sambu, Jl. Sutomo", 3.5857, 98.6874},
	{"Medan Timur", "Jl. Thamrin, depan Thamrin Plaza", 3.5858, 98.6938},
	{"Medan Timur", "Jl. Perintis Kemerdekaan", 3.5965, 98.6889},
	{"Medan Timur", "Jl. H.M. Yamin, simpang Jl. Sutrisno", 3.5992, 98.6921},
	{"Medan Baru", "Jl. Jamin Ginting, Padang Bulan", 3.5653, 98.6603},
	{"Medan Baru", "Jl. Dr. Mansyur, depan USU", 3.5681, 98.6528},
	{"Medan Baru", "Jl. Abdullah Lubis", 3.5777, 98.6614},
	{"Medan Baru", "Jl. S. Parman, simpang Jl. Abdullah Lubis", 3.5791, 98.6679},
}

var (
	givenNames = []string{"Budi", "Siti", "Andi", "Rina", "Ucok", "Butet", "Tigor", "Sinta", "Dedi", "Wati", "Rudi",
		"Nur", "Agus", "Lina", "Joko", "Maya", "Fajar", "Putri", "Hendra", "Yanti", "Rahmat", "Dewi", "Poltak", "Ijah"}
	aliases = []string{"si Ucok", "Bang Tigor", "Mak Ijah", "Kakek Hasan", "Butet kecil", "Pak Tua", "si Botak",
		"Nenek Rosmah", "Ucok Gendut", "Abang Becak", "Opung", "Kak Lina"}
	origins = []string{"Medan", "Binjai", "Deli Serdang", "Pematangsiantar", "Tebing Tinggi", "Langkat",
		"Kisaran", "Tanjung Balai", "Aceh Tamiang", "Padang", "Karo", "Sibolga"}
	categories = []string{"anak_jalanan", "anak_jalanan", "pengemis", "pengemis", "gelandangan", "gelandangan",
		"lansia_terlantar", "lansia_terlantar", "penyandang_disabilitas", "pemulung", "anak_terlantar",
		"fakir_miskin", "perempuan_rawan_sosial_ekonomi", "korban_napza", "tuna_susila", "anak_balita_terlantar"}
	conditions = []string{"kurus, tampak lelah", "luka ringan di kaki", "demam, batuk", "sehat, waspada",
		"berbicara sendiri, tidak kooperatif", "pakaian kotor, tidak beralas kaki", "mengantuk, tampak lapar",
		"menggendong balita", "kaki bengkak, sulit berjalan", "tenang, mau diajak bicara"}
	needs = []string{"makanan dan air", "pemeriksaan kesehatan", "tempat tinggal sementara", "kursi roda",
		"pakaian", "penjangkauan keluarga", "perawatan jiwa", "sekolah kembali", "identitas (KTP/KK)"}
	actionNotes = []string{"dibawa ke Rumah Singgah Dinsos", "dirujuk ke RSJ Prof. Ildrem", "dirujuk ke Puskesmas Petisah",
		"diberi paket sembako", "diantar pulang ke keluarga di Binjai", "diberi kursi roda", "dinasihati dan dilepas",
		"dijadwalkan asesmen lanjutan", "diserahkan ke Satpol PP untuk pendataan"}
	noteTexts = []string{"sering terlihat di lokasi ini", "mengaku dari luar kota", "tidur di emperan toko",
		"bersama dua anak lain", "menolak dibawa ke panti", "ditemukan saat patroli gabungan",
		"keluarga sudah dihubungi", "perlu tindak lanjut minggu depan", "dilaporkan warga"}
	routes = []string{"Merdeka - Kesawan - Pasar Sambu", "Petisah - Gatot Subroto - Sei Sikambing",
		"SM Raja - Teladan - Simpang Limun", "Putri Hijau - Glugur - Pulo Brayan", "Padang Bulan - Dr. Mansyur - Abdullah Lubis"}
	agencies   = []string{"satpol_pp", "police", "health", "other_city_social_services"}
	captions   = []string{"kondisi saat ditemukan", "lokasi tidur", "bantuan diserahkan", "kartu identitas", "luka di kaki"}
	assessNeed = []string{"tempat tinggal layak", "pendampingan psikososial", "akses layanan kesehatan", "bantuan pangan rutin"}
	risks      = []string{"rawan eksploitasi", "kesehatan menurun", "putus sekolah", "kekerasan di jalan", "rendah"}
	recommends = []string{"rujuk ke panti sosial", "reunifikasi keluarga", "pelatihan keterampilan", "pemantauan bulanan"}
	outcomes   = []string{"berjalan baik", "menolak melanjutkan", "kembali ke keluarga", "selesai, mandiri"}
)

// photoFiles are the fixture photos phones attach (testdata/photos):
// ordinary ones, a 3.4 MiB one that phones on a good link send now and
// then (hundreds of resumable chunks), and one that the server must
// refuse (a PNG declaring 3.6 gigapixels).
var (
	photoFiles  = []string{"medan.jpg", "medan_offset.jpg", "rotated.jpg", "no_exif.jpg", "far_away.jpg", "medan.png", "medan.webp"}
	bigFile     = "big.jpg"
	refusedFile = "bomb.png"
)
