//! Interning of published key values and web component names (`Symbols`, `Sym`).

/// An interned attribute value of a published key (`SiteId`, `RoleName`, `Instance`,
/// `Number`): equal symbols are equal strings, so references resolve by integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sym(u32);

impl Sym {
    /// The empty string, what an absent attribute reads as.
    pub(crate) const EMPTY: Sym = Sym(0);
}

/// The distinct key values of one topology (site ids, role names, instance and cluster
/// numbers) and web component names, each stored once: a few thousand strings at most.
pub(crate) struct Symbols {
    ids: foldhash::HashMap<std::sync::Arc<str>, Sym>,
    names: Vec<std::sync::Arc<str>>,
}

/// The names in symbol order (the map's order changes with its seed).
impl std::fmt::Debug for Symbols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.names).finish()
    }
}

impl Default for Symbols {
    fn default() -> Self {
        let mut syms = Symbols {
            ids: foldhash::HashMap::default(),
            names: Vec::new(),
        };
        syms.intern("");
        syms
    }
}

impl Symbols {
    /// The symbol of `value`, made on first sight.
    pub(crate) fn intern(&mut self, value: &str) -> Sym {
        if let Some(&sym) = self.ids.get(value) {
            return sym;
        }
        // more distinct values than u32 can count cannot fit in a 1 GiB input
        let sym = Sym(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        let name: std::sync::Arc<str> = value.into();
        self.names.push(name.clone());
        self.ids.insert(name, sym);
        sym
    }

    /// The symbol of `value` if it was ever interned.
    pub(crate) fn get(&self, value: &str) -> Option<Sym> {
        self.ids.get(value).copied()
    }

    /// The string a symbol stands for.
    pub(crate) fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map_or("", |n| n)
    }

    /// The string a symbol stands for, shared (no copy).
    pub(crate) fn shared(&self, sym: Sym) -> std::sync::Arc<str> {
        self.names.get(sym.0 as usize).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_equal_exactly_when_their_strings_are() {
        let mut syms = Symbols::default();
        assert_eq!(syms.intern(""), Sym::EMPTY);
        let a = syms.intern("Registrar");
        let b = syms.intern("registrar");
        assert_ne!(a, b, "keys of the published schema compare exactly");
        assert_eq!(syms.intern("Registrar"), a);
        assert_eq!(syms.get("registrar"), Some(b));
        assert_eq!(syms.get("UserServices"), None);
        assert_eq!(syms.name(a), "Registrar");
        assert_eq!(&*syms.shared(b), "registrar");
    }
}
