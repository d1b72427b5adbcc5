//! A `serde` serializer into a small tree that the form writer walks.

use serde::ser::{self, Serialize};

use super::FormError;

/// A value on its way to form encoding.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// `None`: sends nothing.
    Skip,
    /// `()` or [`super::Unset`]: sends `key=`.
    Unset,
    /// Text, a number or a boolean, already written out.
    Scalar(String),
    /// An array.
    Seq(Vec<Node>),
    /// An object, fields in order.
    Map(Vec<(String, Node)>),
}

impl ser::Error for FormError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self::Custom(msg.to_string())
    }
}

/// Serialises one value into a [`Node`].
pub(super) struct NodeSerializer;

macro_rules! scalar {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, value: $ty) -> Result<Node, FormError> {
            Ok(Node::Scalar(value.to_string()))
        })*
    };
}

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = FormError;
    type SerializeSeq = SeqCollector;
    type SerializeTuple = SeqCollector;
    type SerializeTupleStruct = SeqCollector;
    type SerializeTupleVariant = SeqCollector;
    type SerializeMap = MapCollector;
    type SerializeStruct = MapCollector;
    type SerializeStructVariant = MapCollector;

    scalar!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char,
        serialize_str: &str);

    fn serialize_f32(self, value: f32) -> Result<Node, FormError> {
        self.serialize_f64(f64::from(value))
    }

    fn serialize_f64(self, value: f64) -> Result<Node, FormError> {
        if !value.is_finite() {
            return Err(FormError::NotFinite);
        }
        Ok(Node::Scalar(value.to_string()))
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<Node, FormError> {
        Ok(Node::Scalar(String::from_utf8_lossy(value).into_owned()))
    }

    fn serialize_none(self) -> Result<Node, FormError> {
        Ok(Node::Skip)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, FormError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Node, FormError> {
        Ok(Node::Unset)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, FormError> {
        Ok(Node::Unset)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, FormError> {
        Ok(Node::Scalar(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node, FormError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, FormError> {
        Ok(Node::Map(vec![(
            variant.to_owned(),
            value.serialize(self)?,
        )]))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqCollector, FormError> {
        Ok(SeqCollector(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqCollector, FormError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqCollector, FormError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<SeqCollector, FormError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapCollector, FormError> {
        Ok(MapCollector {
            fields: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapCollector, FormError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<MapCollector, FormError> {
        self.serialize_map(Some(len))
    }
}

/// Collects the items of an array or tuple.
pub(super) struct SeqCollector(Vec<Node>);

impl SeqCollector {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.0.push(value.serialize(NodeSerializer)?);
        Ok(())
    }
}

macro_rules! seq_impl {
    ($($trait:ident :: $method:ident),*) => {
        $(impl ser::$trait for SeqCollector {
            type Ok = Node;
            type Error = FormError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
                self.push(value)
            }

            fn end(self) -> Result<Node, FormError> {
                Ok(Node::Seq(self.0))
            }
        })*
    };
}

seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Collects the fields of an object, struct or map.
pub(super) struct MapCollector {
    fields: Vec<(String, Node)>,
    key: Option<String>,
}

impl ser::SerializeMap for MapCollector {
    type Ok = Node;
    type Error = FormError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        match key.serialize(NodeSerializer)? {
            Node::Scalar(text) => {
                self.key = Some(text);
                Ok(())
            }
            _ => Err(FormError::KeyNotText),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let key = self.key.take().ok_or(FormError::KeyNotText)?;
        self.fields.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }

    fn end(self) -> Result<Node, FormError> {
        Ok(Node::Map(self.fields))
    }
}

impl ser::SerializeStruct for MapCollector {
    type Ok = Node;
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        self.fields
            .push((key.to_owned(), value.serialize(NodeSerializer)?));
        Ok(())
    }

    fn end(self) -> Result<Node, FormError> {
        Ok(Node::Map(self.fields))
    }
}

impl ser::SerializeStructVariant for MapCollector {
    type Ok = Node;
    type Error = FormError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<Node, FormError> {
        Ok(Node::Map(self.fields))
    }
}
