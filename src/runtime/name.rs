//! Function names, file paths, wait reasons and label text of a dump, stored
//! once per input however many groups print them. A program has a few thousand
//! functions and files but a dump may hold a hundred thousand stacks of them:
//! a `String` per frame made a group's frames cost more than their text.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

/// Shared, immutable text from a dump. Compares, hashes, sorts and serialises
/// as the `str` it holds; cloning shares it. One pointer wide (an `Arc<str>`
/// is two): a group holds two names per frame, and there are few names.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<Box<str>>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a set of names be searched by `&str` (the hashes agree: `Arc<str>`
/// hashes as its `str`).
impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Name(Arc::new(Box::from(text)))
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The names of one input. Only text that a kept group holds is interned
/// (not every line read), so a hostile dump cannot grow it past its groups.
/// Per input rather than global: a long-running server forgets a snapshot's
/// names with the snapshot.
#[derive(Debug, Default)]
pub(crate) struct Names {
    set: HashSet<Name, foldhash::fast::RandomState>,
}

impl Names {
    /// The shared copy of `text`, made on first sight.
    pub fn intern(&mut self, text: &str) -> Name {
        if let Some(known) = self.set.get(text) {
            return known.clone();
        }
        let name = Name::from(text);
        self.set.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_three_words() {
        assert_eq!(std::mem::size_of::<crate::runtime::Frame>(), 3 * std::mem::size_of::<usize>());
    }

    #[test]
    fn equal_text_is_stored_once() {
        let mut names = Names::default();
        let a = names.intern("net/http.(*conn).serve");
        let b = names.intern(&String::from("net/http.(*conn).serve"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "net/http.(*conn).serve");
        assert_ne!(names.intern("main.main"), a);
    }
}
