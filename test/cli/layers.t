#!/bin/sh
# The library's layers look only down (README.md, "Architecture"): each
# file in common/LAYER/ includes headers of the layers allowed below it,
# never of one above or beside it. A new include that breaks the
# direction fails here.
. "$(dirname "$0")/../lib.sh"

# allowed LAYER: the layers LAYER's files may include, itself first.
allowed() {
    case $1 in
    core) echo core ;;
    nn) echo nn core ;;
    img) echo img core ;;
    eval) echo eval img core ;;
    store) echo store img core ;;
    web) echo web store img nn core ;;
    esac
}
for dir in "$top"/common/*/; do
    layer=$(basename "$dir")
    ok_layers=$(allowed "$layer")
    [ -n "$ok_layers" ]; ok $? "$layer: a layer the direction knows"
    bad=$(grep -ho '^#include "[a-z]*/' "$dir"*.[ch] | sed 's/#include "//; s|/||' |
          sort -u | while read -r used; do
              case " $ok_layers " in *" $used "*) ;; *) printf '%s ' "$used" ;; esac
          done)
    is "$bad" "" "$layer/ includes only $(echo "$ok_layers" | sed 's/ /, /g')"
done
stray=$(ls "$top"/common/*.[ch] 2>/dev/null | wc -l | tr -d ' ')
is "$stray" 0 "no file in common/ outside a layer"
# idx2pgm links only what it calls: no network code in it.
if nm "$top/bin/idx2pgm" > "$T/syms" 2>/dev/null; then
    grep -q ' T net_forward$' "$T/syms"; ok $(( ! $? )) "idx2pgm links no network code"
else
    ok 0 "# SKIP nm cannot read bin/idx2pgm"
fi

done_testing
