module example.com/fixtures/rangenevercloses

go 1.25
