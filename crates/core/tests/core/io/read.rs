use crate::support::*;
use rapport_core::io::read_csv::read_csv;
use rapport_core::io::read_xlsx::read_xlsx;

#[test]
fn semicolon_csv_with_bom_and_quoted_line_breaks_reads_cell_by_cell() {
    let text = "\u{feff}Name;Website;Description\n\"Müller; Söhne GmbH\";mueller.de;\"Line one\nline two\"\nAcme;acme.com;\"He said \"\"hi\"\"\"\n";
    let t = read_csv("accounts.csv", text.as_bytes()).unwrap();
    assert_eq!(t.delimiter, Some(';'));
    assert_eq!(t.encoding, "utf-8");
    assert_eq!(t.headers, ["Name", "Website", "Description"]);
    assert_eq!(t.rows[0].cells, ["Müller; Söhne GmbH", "mueller.de", "Line one\nline two"]);
    assert_eq!(t.rows[1].cells[2], "He said \"hi\"");
    assert_eq!(t.rows[1].line, 4);
    assert!(t.errors.is_empty());
}

#[test]
fn crlf_exports_give_each_row_the_line_it_is_on() {
    let text = "Id,LastName,Birthdate\r\n003A1,Nowak,1980-04-02\r\n003A2,Berg,\"31/31\r\n1975\"\r\n003A3,Quist,\r\n";
    let t = read_csv("Contact.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5]);
    let lf = read_csv("Contact.csv", text.replace("\r\n", "\n").as_bytes()).unwrap();
    assert_eq!(lf.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5]);
}

#[test]
fn tab_pipe_and_comma_files_are_told_apart() {
    for (d, name) in [('\t', "tab"), ('|', "pipe"), (',', "comma")] {
        let text = format!("First Name{d}Last Name{d}Email\nAna{d}Nowak{d}ana@acme.com\n");
        let t = read_csv(name, text.as_bytes()).unwrap();
        assert_eq!(t.delimiter, Some(d), "{name}");
        assert_eq!(t.rows[0].cells, ["Ana", "Nowak", "ana@acme.com"]);
    }
}

#[test]
fn windows_1252_and_utf16_exports_decode_to_the_right_letters() {
    // "Café Müller" as Excel on Windows saves it.
    let mut ansi = b"Name,City\n".to_vec();
    ansi.extend_from_slice(&[b'C', b'a', b'f', 0xE9, b' ', b'M', 0xFC, b'l', b'l', b'e', b'r', b',', b'K', 0xF6, b'l', b'n', b'\n']);
    let t = read_csv("ansi.csv", &ansi).unwrap();
    assert_eq!(t.encoding, "windows-1252");
    assert_eq!(t.rows[0].cells, ["Café Müller", "Köln"]);

    // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "Name\tCity\nŁódź Sp. z o.o.\tŁódź\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let t = read_csv("unicode.txt", &utf16).unwrap();
    assert_eq!(t.encoding, "utf-16le");
    assert_eq!(t.rows[0].cells, ["Łódź Sp. z o.o.", "Łódź"]);
}

#[test]
fn a_binary_file_given_as_csv_is_refused_with_a_clear_error() {
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    let e = read_csv("old.xls", &xls).unwrap_err();
    assert_eq!(e.field(), Some("file"));
    assert!(e.to_string().contains("not a text file"), "{e}");
    let e = read_csv("book.csv", b"PK\x03\x04\x14\x00\x00\x00").unwrap_err();
    assert!(e.to_string().contains(".xlsx"), "{e}");
    let e = read_csv("empty.csv", b"").unwrap_err();
    assert!(e.to_string().contains("no header"), "{e}");
}

#[test]
fn a_file_cut_short_inside_a_quote_reports_the_line_and_keeps_the_rows_before() {
    let text = "Name,Notes\nAcme,\"fine\"\nGlobex,\"this note was cut off by a failed downl";
    let t = read_csv("cut.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells[0], "Acme");
    assert_eq!(t.errors.len(), 1);
    assert_eq!(t.errors[0].line, 3);
    assert!(t.errors[0].message.contains("cut short"), "{:?}", t.errors);
}

#[test]
fn a_ten_megabyte_cell_refuses_its_row_and_the_rest_still_read() {
    let mut text = String::from("Name,Notes\nAcme,short\nGlobex,");
    text.push_str(&"x".repeat(10 << 20));
    text.push_str("\nInitech,ok\n");
    let t = read_csv("huge.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows.iter().map(|r| r.cells[0].as_str()).collect::<Vec<_>>(), ["Acme", "Initech"]);
    assert_eq!(t.errors.len(), 1);
    assert_eq!(t.errors[0].line, 3);
    assert_eq!(t.errors[0].field.as_deref(), Some("Notes"));
    assert!(t.errors[0].message.contains("too long"));
}

fn sample_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Acme renewal").unwrap();
    ws.write_string(1, 1, "Acme").unwrap();
    ws.write_string(1, 2, "Negotiation/Review").unwrap();
    ws.write_number(1, 3, 125000.5).unwrap();
    ws.write_datetime_with_format(1, 4, rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 3, 31).unwrap(), &date).unwrap();
    ws.write_number(2, 3, 90000.0).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_cells_read_as_typed_text_numbers_and_dates() {
    let t = read_xlsx("pipeline.xlsx", &sample_xlsx()).unwrap();
    assert_eq!(t.encoding, "xlsx");
    assert_eq!(t.headers[0], "Opportunity Name");
    assert_eq!(t.rows[0].cells, ["Acme renewal", "Acme", "Negotiation/Review", "125000.5", "2027-03-31"]);
    assert_eq!(t.rows[0].line, 2);
    assert_eq!(t.rows[1].cells[3], "90000");
}

#[test]
fn a_truncated_or_fake_xlsx_is_refused_without_a_crash() {
    let bytes = sample_xlsx();
    let e = read_xlsx("cut.xlsx", &bytes[..bytes.len() / 2]).unwrap_err();
    assert_eq!(e.field(), Some("file"));
    let e = read_xlsx("fake.xlsx", b"Name,Website\nAcme,acme.com\n").unwrap_err();
    assert!(e.to_string().contains("not an .xlsx"), "{e}");
    // Through the facade an .xlsx is recognised by its bytes, whatever its name.
    let b = book();
    let t = b.app.imports().read("export.csv", &bytes).unwrap();
    assert_eq!(t.encoding, "xlsx");
}
