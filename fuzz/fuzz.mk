# SPDX-License-Identifier: MIT
# libFuzzer targets (issue 4); included by the top-level Makefile.
.PHONY: fuzz
fuzz:
	@echo "fuzz: no targets yet"
