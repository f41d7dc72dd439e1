#!/bin/sh
# Regenerates the re-encoded copies of the sample topologies.
#
# Windows PowerShell 5 writes `Get-CsTopology -AsXml > file.xml` as UTF-16LE
# with a byte order mark; other tools may hand us UTF-16BE or UTF-8 with a BOM.
# The UTF-8 (no BOM) files are the sources; this script derives the rest:
#
#   enterprise-multisite/topology.xml -> enterprise-multisite/topology-utf16le.xml
#   standard-edition/topology.xml     -> standard-edition/topology-utf16be.xml
#   standard-edition/topology.xml     -> standard-edition/topology-utf8bom.xml
#
# Line endings (CRLF) are kept as they are in the sources.
set -eu

cd "$(dirname "$0")"

# reencode SRC DEST ICONV_TARGET BOM_OCTAL
reencode() {
    src=$1 dest=$2 target=$3 bom=$4
    tmp="$dest.tmp"
    {
        printf "$bom"
        if [ "$target" = UTF-8 ]; then
            cat "$src"
        else
            iconv -f UTF-8 -t "$target" "$src"
        fi
    } > "$tmp"
    mv "$tmp" "$dest"
    echo "wrote $dest"
}

reencode enterprise-multisite/topology.xml enterprise-multisite/topology-utf16le.xml UTF-16LE '\377\376'
reencode standard-edition/topology.xml standard-edition/topology-utf16be.xml UTF-16BE '\376\377'
reencode standard-edition/topology.xml standard-edition/topology-utf8bom.xml UTF-8 '\357\273\277'
