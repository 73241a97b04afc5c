# nfkit: one build for the library, the four programs, tests and demo.
#
#   make            build sensor/nfsensord sensor/nfctl collector/nfcollectd
#                   report/nfreport report/nfchload
#   make check      unit tests, the same under ASan+UBSan, the threaded
#                   modules' tests under TSan, integration tests
#   make demo       run the whole pipeline on tests/data/demo.pcap
#   make soak       live pipeline under steady traffic, SOAK_MINUTES (20)
#   make install    PREFIX=/usr/local DESTDIR=
#
# B is the object directory, P the prefix the programs land under (empty:
# in the tree).  The sanitizer pass uses B=build/asan P=build/asan/.

B	?= build
P	?=
SAN	?=
PREFIX	?= /usr/local
DESTDIR	?=
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
PKGCONF	?= pkg-config
DEPS_CFLAGS := $(shell $(PKGCONF) --cflags libpcap zlib 2>/dev/null)
DEPS_LIBS   := $(shell $(PKGCONF) --libs libpcap zlib 2>/dev/null || echo -lpcap -lz)
# libcurl (Debian libcurl4-openssl-dev): the HTTP client that nfchload and
# nfreport --db use to talk to ClickHouse.
DEPS_CFLAGS += $(shell $(PKGCONF) --cflags libcurl 2>/dev/null)
DEPS_LIBS   += $(shell $(PKGCONF) --libs libcurl 2>/dev/null || echo -lcurl)
# Intel ISA-L (Debian libisal-dev), when present, does the default-level
# deflate and all inflating (common/zstream.c); zlib is the fallback.
# "make HAVE_ISAL=" builds without it.
HAVE_ISAL := $(shell test -f /usr/include/isa-l/igzip_lib.h && echo 1)
ifeq ($(HAVE_ISAL),1)
DEPS_CFLAGS += -DHAVE_ISAL
DEPS_LIBS += -lisal
endif
CHECK_CFLAGS := $(shell $(PKGCONF) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKGCONF) --libs check 2>/dev/null)

CFLAGS	?= -O2 -g
WFLAGS	 = -Wall -Wextra -Werror
# Hardening for every normal build; the sanitizer builds go without
# FORTIFY, which ASan replaces.
HARDEN	 = $(if $(SAN),,-D_FORTIFY_SOURCE=3) -fstack-protector-strong -fPIE
HARDEN_LD = -pie -Wl,-z,relro,-z,now
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WFLAGS) $(HARDEN) $(SAN) -D_GNU_SOURCE -Icommon \
	     $(DEPS_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(HARDEN_LD) $(SAN)
LIBS	 = $(DEPS_LIBS) -lpthread -lm

COMMON_SRC	:= $(wildcard common/*.c)
SENSOR_MAINS	:= sensor/main.c sensor/nfctl.c
SENSOR_SRC	:= $(filter-out $(SENSOR_MAINS),$(wildcard sensor/*.c))
COLLECTOR_SRC	:= $(filter-out collector/main.c,$(wildcard collector/*.c))
REPORT_MAINS	:= report/main.c report/nfchload.c
REPORT_SRC	:= $(filter-out $(REPORT_MAINS),$(wildcard report/*.c))
UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
TOOL_SRC	:= $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(B)/%.o,$(1))

LIBNFKIT	= $(B)/libnfkit.a
LIBSENSOR	= $(B)/libsensor.a
LIBCOLLECTOR	= $(B)/libcollector.a
LIBREPORT	= $(B)/libreport.a

PROGS	= $(P)sensor/nfsensord $(P)sensor/nfctl $(P)collector/nfcollectd \
	  $(P)report/nfreport $(P)report/nfchload
UNITS	= $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
TOOLS	= $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))

.PHONY: all progs check unit asan tsan integration demo install clean format deps bench fuzz lint golden soak
all: $(PROGS) $(TOOLS)
progs: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(if $(findstring tests/,$<),$(CHECK_CFLAGS)) -c $< -o $@

$(LIBNFKIT): $(call obj,$(COMMON_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBSENSOR): $(call obj,$(SENSOR_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBCOLLECTOR): $(call obj,$(COLLECTOR_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBREPORT): $(call obj,$(REPORT_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(P)sensor/nfsensord: $(B)/sensor/main.o $(LIBSENSOR) $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
$(P)sensor/nfctl: $(B)/sensor/nfctl.o $(LIBSENSOR) $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
$(P)collector/nfcollectd: $(B)/collector/main.o $(LIBCOLLECTOR) $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
$(P)report/nfreport: $(B)/report/main.o $(LIBREPORT) $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
$(P)report/nfchload: $(B)/report/nfchload.o $(LIBREPORT) $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests link every module library; only what a test uses is pulled in.
UNIT_LIBS ?= $(LIBSENSOR) $(LIBCOLLECTOR) $(LIBREPORT) $(LIBNFKIT)
$(B)/tests/%: $(B)/tests/unit/%.o $(UNIT_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)
# Small helper programs for tests (generators, probes).
$(B)/tools/%: $(B)/tests/tools/%.o $(LIBNFKIT)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

unit: $(UNITS)

deps:
	@sh tests/deps.sh

# The three builds use every core (CHECK_JOBS, default nproc) unless make
# was given -j itself; the tests run one after the other.  The ASan build
# is of the programs and the unit tests: the test tools (build/tools/) are
# only ever run from the normal build.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CHECK_J = $(if $(filter -j% j%,$(MAKEFLAGS)),,-j$(CHECK_JOBS))
check: deps
	@$(MAKE) --no-print-directory $(CHECK_J) all unit
	@$(MAKE) --no-print-directory $(CHECK_J) B=build/asan P=build/asan/ \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    CFLAGS="-O1 -g" progs unit
	@$(MAKE) --no-print-directory $(CHECK_J) tsan
	@sh tests/run.sh

# The unit tests of the two threaded modules (the collector's writer ring,
# the reporter's prefetch workers) under ThreadSanitizer, in build/tsan/;
# tests/run.sh runs them.  Only what they link is built: common/ and, of
# collector/ and report/, the modules below (what the linker takes from
# the full libraries; 14 of 48).  A TSan test that stops linking (undefined
# reference) needs its new module added here.
TSAN_UNITS = test_collector_writer test_report_prefetch test_report_aggrank
TSAN_COLLECTOR = writer spool filefmt retention
TSAN_REPORT = prefetch input filter filtereval fields aggregate agglog aggrank aggstat addr6
tsan:
	@$(MAKE) --no-print-directory B=build/tsan SAN=-fsanitize=thread \
	    CFLAGS="-O1 -g" UNIT_LIBS='$$(LIBCOLLECTOR) $$(LIBREPORT) $$(LIBNFKIT)' \
	    COLLECTOR_SRC="$(TSAN_COLLECTOR:%=collector/%.c)" \
	    REPORT_SRC="$(TSAN_REPORT:%=report/%.c)" \
	    $(patsubst %,build/tsan/tests/%,$(TSAN_UNITS))

demo:
	@sh tests/deps.sh build
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

golden: all
	@sh tests/golden.sh regen

# Benchmarks against the real peers (tests/bench/, docs/PERFORMANCE.md).
bench: deps
	@$(MAKE) --no-print-directory all
	@sh tests/bench/run.sh

# Soak (tests/soak.sh, docs/RELIABILITY.md): root, a network namespace,
# tcpreplay at SOAK_PPS into nfsensord -> nfcollectd -> nfreport for
# SOAK_MINUTES; RSS and descriptors must stay flat, no flow lost.
SOAK_MINUTES ?= 20
SOAK_PPS ?= 5000
soak: all
	@SOAK_MINUTES=$(SOAK_MINUTES) SOAK_PPS=$(SOAK_PPS) sh tests/soak.sh

# libFuzzer harnesses (tests/fuzz/), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Static analysis: cppcheck and clang-tidy (.clang-tidy).
lint:
	@sh tests/lint.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 sensor/nfsensord collector/nfcollectd report/nfchload \
	    $(DESTDIR)$(PREFIX)/sbin
	install -m 755 sensor/nfctl report/nfreport $(DESTDIR)$(PREFIX)/bin
	for m in man/*.[158]; do \
	    s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done
	install -d $(DESTDIR)$(PREFIX)/etc/rc.d $(DESTDIR)$(PREFIX)/lib/systemd/system
	for f in rc.d/*; do case $$f in \
	    *.service) install -m 644 $$f $(DESTDIR)$(PREFIX)/lib/systemd/system ;; \
	    *) install -m 755 $$f $(DESTDIR)$(PREFIX)/etc/rc.d ;; esac; done
	install -d $(DESTDIR)$(PREFIX)/share/doc/nfkit
	install -m 644 docs/CLICKHOUSE.md $(DESTDIR)$(PREFIX)/share/doc/nfkit

# clang-format over every C source; `make lint` (in make check) fails on a
# file that differs from its formatted self (tests/format.sh --check).
format:
	@sh tests/format.sh

clean:
	rm -rf build sensor/nfsensord sensor/nfctl collector/nfcollectd report/nfreport \
	    report/nfchload

-include $(shell find $(B) -name '*.d' 2>/dev/null)
