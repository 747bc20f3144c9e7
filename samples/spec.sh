# SPDX-License-Identifier: MIT
# Used by samples/demo.sh (POSIX sh, sourced; bench/run.py reads the same format): reads one
# samples/NAME.test into shell variables. Needs $SAMPLES and $TMP.

spec_trim() {
	printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

# Writes the bytes of a hex string to a file, with no tool beyond sh and awk.
hex2bin() {
	printf '%s' "$1" | awk '{
		s = tolower($0); gsub(/[^0-9a-f]/, "", s); out = ""
		for (i = 1; i < length(s); i += 2) {
			v = index("0123456789abcdef", substr(s, i, 1)) * 16 - 16 + \
			    index("0123456789abcdef", substr(s, i + 1, 1)) - 1
			out = out sprintf("\\%03o", v)
		}
		print out }' | { read -r esc; printf "$esc"; } >"$2"
}

# spec_read FILE: sets name prog retval kernel data_in ctx_in expect_out varies,
# and the positional map-set options in $spec_sets (one per line).
spec_read() {
	name=$(basename "$1" .test)
	prog="" retval="" kernel=no data_in="" ctx_in="" expect_out="" data_out_kind="" spec_sets=""
	varies=""
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		case $line in *:*) ;; *) continue ;; esac
		key=$(spec_trim "${line%%:*}")
		val=$(spec_trim "${line#*:}")
		case $key in
		prog) prog=$val ;;
		data-in) data_in=$SAMPLES/$val ;;
		data-in-hex) data_in=$TMP/$name.in; hex2bin "$val" "$data_in" ;;
		ctx-in) ctx_in=$SAMPLES/$val ;;
		map-set) spec_sets="$spec_sets--map-set=$val
" ;;
		retval) retval=$val ;;
		data-out) data_out_kind=$val ;;
		data-out-hex) expect_out=$TMP/$name.expect; hex2bin "$val" "$expect_out" ;;
		kernel) kernel=${val%% *} ;;
		varies) varies="$varies ${val%% *}" ;;
		esac
	done <"$1"
	case $data_out_kind in
	"") ;;
	same) expect_out=$data_in ;;
	*) expect_out=$SAMPLES/$data_out_kind ;;
	esac
}

# drop_varies FILE: the --dump-maps output without the maps named in $varies.
drop_varies() {
	awk -v varies="$varies" '
		BEGIN { n = split(varies, V, " "); for (i = 1; i <= n; i++) skip["map \047" V[i] "\047"] = 1 }
		/^map \047/ { name = $1 " " $2; drop = (name in skip) }
		!drop' "$1"
}
