# SPDX-License-Identifier: GPL-2.0
# Flatten a JSON document into one line per value, for the guest suite's
# checks (busybox awk; the guest has no jq):
#   PATH=VALUE
# PATH is the keys and array indexes from the top, each after a dot
# (".0.devices.1.chardev"; the top-level value itself has the empty path);
# VALUE is a string without its quotes (escapes \" \\ \/ undone, others
# kept), a number, true, false or null as written, or "{" / "[" where an
# object or array starts (so that "grep -c '^\.[0-9]*=\{$'" counts the
# objects of a top-level array). Malformed input prints "json.awk: ..." on
# stderr and exits 1.
function path(   p, j) {
	p = ""
	for (j = 1; j <= depth; j++)
		p = p "." (type[j] == "a" ? idx[j] : key[j])
	return p
}
function fail(msg) {
	printf "json.awk: %s at character %d\n", msg, i > "/dev/stderr"
	bad = 1
	exit 1
}
# A value starts: in an object it must have had its key.
function value(v) {
	if (depth && type[depth] == "o" && !havekey[depth])
		fail("value without a key")
	print path() "=" v
	if (depth && type[depth] == "o")
		havekey[depth] = 0
	done_value = 1
}
{ s = s $0 "\n" }
END {
	if (bad)
		exit 1
	n = length(s)
	depth = 0
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == " " || c == "\t" || c == "\n" || c == "\r")
			continue
		if (c == "{" || c == "[") {
			value(c)
			depth++
			type[depth] = c == "{" ? "o" : "a"
			idx[depth] = 0
			havekey[depth] = 0
			wantkey[depth] = c == "{"
			continue
		}
		if (c == "}" || c == "]") {
			if (!depth || type[depth] != (c == "}" ? "o" : "a"))
				fail("unbalanced " c)
			depth--
			continue
		}
		if (c == ",") {
			if (!depth)
				fail("comma at the top level")
			if (type[depth] == "a")
				idx[depth]++
			else
				wantkey[depth] = 1
			continue
		}
		if (c == ":") {
			if (!depth || type[depth] != "o" || !havekey[depth])
				fail("colon without a key")
			continue
		}
		if (c == "\"") {
			str = ""
			for (i++; i <= n; i++) {
				c = substr(s, i, 1)
				if (c == "\\") {
					i++
					c = substr(s, i, 1)
					if (c == "\"" || c == "\\" || c == "/")
						str = str c
					else
						str = str "\\" c
					continue
				}
				if (c == "\"")
					break
				str = str c
			}
			if (i > n)
				fail("unterminated string")
			if (depth && type[depth] == "o" && wantkey[depth]) {
				key[depth] = str
				havekey[depth] = 1
				wantkey[depth] = 0
			} else {
				value(str)
			}
			continue
		}
		# A number, true, false or null: up to the next delimiter.
		lit = ""
		while (i <= n && index(" \t\r\n,:]}[{\"", c) == 0) {
			lit = lit c
			i++
			c = substr(s, i, 1)
		}
		i--
		if (lit !~ /^(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)$/)
			fail("bad literal '" lit "'")
		value(lit)
	}
	if (depth)
		fail("unterminated container")
}
