# digits - one Makefile, no recursion. `make` builds bin/; see README.md.
CC       ?= cc
# Baseline x86-64 (any 64-bit PC): the network's kernels also exist for
# AVX2 and AVX-512, one chosen at run time (common/nn/kern.h), so the
# same binary runs everywhere and fast where it can.
ARCHFLAGS ?= -march=x86-64
CFLAGS   ?= -O3 $(ARCHFLAGS)
# -ffp-contract=fast lets the vector kernels use fused multiply-add;
# it is not -ffast-math: IEEE semantics, NaN checks and determinism stay.
DIGITS_CFLAGS = -std=c11 -Wall -Wextra -Wshadow -ffp-contract=fast -Icommon -MMD -MP
# Static by default: a CGI request starts two or three of our programs, and
# on a small VM the dynamic loader costs more than the work (1.8 ms
# against 0.7 ms per start measured here). `make LDFLAGS=` links
# dynamically.
LDFLAGS  ?= -static
LDLIBS    = -lnetpbm -lcsv -lm -lpthread
PREFIX   ?= /usr/local

PROGS = idx2pgm cnn-train cnn-infer confmat preproc feedback-log digits-cgi \
        nondigits
# The library, by layer; each layer uses only those listed before it
# (README.md, "Architecture"). Programs link build/libdigits.a, so each
# takes only the objects it calls: idx2pgm gets no network code.
CORE  = util rng threads stopsig progress json home
NN    = gemm winograd conv pool dense act loss optim kern kern_avx2 \
        kern_avx512 arch net model infer \
        train augment number
IMG   = pgmio idx preproc ink segment dataset glyph canvas sketch paint nondigit
EVAL  = confusion
STORE = feedback
WEB   = http origin limit fcgi convert multipart html app serve
LIB_SRC = $(CORE:%=common/core/%.c) $(NN:%=common/nn/%.c) \
          $(IMG:%=common/img/%.c) $(EVAL:%=common/eval/%.c) \
          $(STORE:%=common/store/%.c) $(WEB:%=common/web/%.c)
LIB_OBJ = $(LIB_SRC:%.c=build/%.o)
LIB = build/libdigits.a
UNIT_TESTS = test_gemm test_layers test_arch test_model test_augment \
             test_multipart

BIN = $(PROGS:%=bin/%)
UNIT_BIN = $(UNIT_TESTS:%=build/test/%)
TOOLS = build/test/mkimage build/test/userdigits build/test/mkmodel \
        build/test/inferbench

all: $(BIN)

build/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(DIGITS_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

build/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(DIGITS_CFLAGS) $(CFLAGS) -c -o $@ $<

bin/%: build/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

build/test/%.o: test/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(DIGITS_CFLAGS) -Itest $(CFLAGS) -c -o $@ $<

build/test/%.o: test/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(DIGITS_CFLAGS) $(CFLAGS) -c -o $@ $<

build/test/%: build/test/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

deps:
	scripts/deps check

check:
	scripts/deps check
	$(MAKE) all $(UNIT_BIN) $(W16_BIN) $(TOOLS)
	scripts/fetch-mnist
	prove -e '' $(UNIT_BIN) $(W16_BIN) test/cli/*.t test/web/*.t \
	    test/browser/*.t

# The avx512 kernel level's C (16 lanes, panels of 32) compiled for
# AVX2 instead, and taken for available wherever AVX2 is: its logic is
# tested against the references on a CPU without AVX-512 too (the real
# avx512 copy is tested where the CPU has it, by the unit tests above).
W16 = build/w16
W16_FLAGS = -DKERN_AVX512_ISA='"avx2,fma"' -DKERN_ASSUME_AVX512 -Wno-psabi
W16_BIN = $(W16)/test_gemm $(W16)/test_layers
$(W16)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(DIGITS_CFLAGS) $(CFLAGS) $(W16_FLAGS) -c -o $@ $<
$(W16)/libdigits.a: $(LIB_SRC:%.c=$(W16)/%.o)
	rm -f $@
	$(AR) rcs $@ $^
$(W16)/test_%: build/test/test_%.o $(W16)/libdigits.a
	$(CC) $(LDFLAGS) -o $@ $< $(W16)/libdigits.a $(LDLIBS)

train:
	scripts/deps serve
	$(MAKE) all build/test/mkimage
	scripts/train

evaluate:
	scripts/deps serve
	$(MAKE) all
	scripts/evaluate

bench: deps
	$(MAKE) all $(TOOLS)
	scripts/bench

# How honest the answers are: rejections of MNIST digits and of pictures
# of no digit, accuracy on the accepted (scripts/bench-honest).
bench-honest: deps
	$(MAKE) all $(TOOLS)
	scripts/bench-honest

serve:
	scripts/deps serve
	$(MAKE) all
	scripts/serve

# `make static`: every program linked fully static against musl, in
# build/musl/bin/ (README.md, "Static musl binaries"), with the unit
# tests and test tools in build/musl/test/. scripts/static first builds
# libnetpbm and libcsv for musl from Debian's source packages into
# build/musl/{lib,include}; like scripts/deps for `make check`, it is the
# one step that uses the network, and the build rules below never do.
# These binaries are for copying to other machines, so they are built,
# like the default build, for any x86-64: the network's kernels pick
# AVX2 or AVX-512 at run time (common/nn/kern.h).
MUSL      = build/musl
MUSL_CC  ?= musl-gcc
MUSL_ARCHFLAGS ?= -march=x86-64
MUSL_CFLAGS ?= -O3 $(MUSL_ARCHFLAGS)
MUSL_DEPS = $(MUSL)/lib/libnetpbm.a $(MUSL)/lib/libcsv.a
MUSL_LIB  = $(MUSL)/libdigits.a
MUSL_OBJ  = $(LIB_SRC:%.c=$(MUSL)/obj/%.o)
MUSL_BIN  = $(PROGS:%=$(MUSL)/bin/%)
MUSL_TEST = $(UNIT_TESTS:%=$(MUSL)/test/%) $(TOOLS:build/test/%=$(MUSL)/test/%)

static:
	scripts/static
	$(MAKE) $(MUSL_BIN) $(MUSL_TEST)

$(MUSL_DEPS):
	@echo "$@ is missing: run make static" >&2; exit 1

$(MUSL)/obj/%.o: %.c | $(MUSL_DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(DIGITS_CFLAGS) -Itest -I$(MUSL)/include $(MUSL_CFLAGS) \
	    -c -o $@ $<

$(MUSL_LIB): $(MUSL_OBJ)
	rm -f $@
	$(AR) rcs $@ $(MUSL_OBJ)

$(MUSL)/bin/%: $(MUSL)/obj/cmd/%.o $(MUSL_LIB) $(MUSL_DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) -static -o $@ $< $(MUSL_LIB) -L$(MUSL)/lib $(LDLIBS)

$(MUSL)/test/%: $(MUSL)/obj/test/unit/%.o $(MUSL_LIB) $(MUSL_DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) -static -o $@ $< $(MUSL_LIB) -L$(MUSL)/lib $(LDLIBS)

$(MUSL)/test/%: $(MUSL)/obj/test/tools/%.o $(MUSL_LIB) $(MUSL_DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) -static -o $@ $< $(MUSL_LIB) -L$(MUSL)/lib $(LDLIBS)

.PHONY: static
.SECONDARY: $(MUSL_OBJ) $(PROGS:%=$(MUSL)/obj/cmd/%.o) \
            $(UNIT_TESTS:%=$(MUSL)/obj/test/unit/%.o) \
            $(TOOLS:build/test/%=$(MUSL)/obj/test/tools/%.o)

# Coverage-guided fuzzing of every parser (libFuzzer, clang): each
# harness runs FUZZ_SECONDS. libnetpbm leaks a byte on some malformed
# headers before it reports them, so leak checking is off.
FUZZ = arch model pgm text preproc number feedback fcgi http origin \
       multipart
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
fuzz:
	@mkdir -p build/fuzz
	for f in $(FUZZ); do \
	    $(FUZZ_CC) -std=c11 -g -O1 $(ARCHFLAGS) -ffp-contract=fast \
	        -fsanitize=fuzzer,address,undefined -Icommon \
	        test/fuzz/fuzz_$$f.c $(LIB_SRC) $(LDLIBS) \
	        -o build/fuzz/fuzz_$$f || exit 1; \
	done
	for f in $(FUZZ); do \
	    mkdir -p build/fuzz/corpus_$$f; \
	    ASAN_OPTIONS=detect_leaks=0 build/fuzz/fuzz_$$f \
	        -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	        -artifact_prefix=build/fuzz/$$f- \
	        build/fuzz/corpus_$$f || exit 1; \
	done

# The programs in PREFIX/bin; the model, the page and the scripts in
# PREFIX/share/digits, where the programs look once installed (DIGITS_HOME
# overrides it; see common/core/home.h); the man pages. The feedback
# store is not installed: a server's store goes where its user may write
# (FEEDBACK_DIR; scripts/servers/).
SHARE = $(DESTDIR)$(PREFIX)/share/digits
MAN1 = $(DESTDIR)$(PREFIX)/share/man/man1
SCRIPTS = evaluate fetch-mnist mnist-pgm predict push-model retrain train
SHARE_FILES = models/mnist.model $(wildcard models/*.arch) \
              scripts/mnist.sha256 $(SCRIPTS:%=scripts/%) \
              scripts/cgi/index.html $(wildcard scripts/servers/*.conf)
SHARE_DIRS = scripts/cgi scripts/servers scripts models
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(MAN1) $(SHARE_DIRS:%=$(SHARE)/%)
	cp $(BIN) $(DESTDIR)$(PREFIX)/bin/
	cp $(PROGS:%=cmd/%.1) $(MAN1)/
	for f in $(SHARE_FILES); do cp "$$f" "$(SHARE)/$$f" || exit 1; done

# Removes what install put there, and its folders under share/digits
# when they are left empty (a model retrained in place leaves archive/).
uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(PREFIX)/bin/%) $(PROGS:%=$(MAN1)/%.1) \
	    $(SHARE_FILES:%=$(SHARE)/%)
	for d in $(SHARE_DIRS:%=$(SHARE)/%) $(SHARE); do \
	    [ ! -d "$$d" ] || rmdir "$$d" 2>/dev/null || \
	    echo "uninstall: $$d is not empty: kept" >&2; \
	done

# A Debian package, build/deb/digits_VERSION_ARCH.deb, built offline
# with dpkg-deb (scripts/build-deb; README.md, "Installing").
deb:
	scripts/deps build
	scripts/build-deb

# MNIST for the README's examples (data/mnist/, data/test.pgm, ...), and
# three pictures to try (data/examples/): a photo of a 7 (PNG), a number
# (PNG) and a letter (PGM).
data: all $(TOOLS)
	scripts/mnist-pgm
	scripts/examples

clean:
	rm -rf build bin

.PHONY: all deps check train evaluate bench bench-honest fuzz serve install \
        uninstall deb data clean
.SECONDARY: $(LIB_OBJ) $(UNIT_BIN:%=%.o) $(TOOLS:%=%.o) \
            $(LIB_SRC:%.c=$(W16)/%.o) \
            $(PROGS:%=build/cmd/%.o)

# build/deb/ holds a copy of the tree with its own build/ (scripts/build-deb).
-include $(shell find build -path build/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
